import Testing

@testable import GageKit

@Suite("Git object ids and remote URLs")
struct GitObjectTests {
  @Test func blobIDsMatchGit() {
    #expect(GitTreeHasher.blobID(Array("hello\n".utf8)).description == "ce013625030ba8dba906f756967f9e9ca394464a")
    #expect(GitTreeHasher.blobID([]).description == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
  }

  @Test func theEmptyTreeHasGitsWellKnownID() {
    #expect(GitTreeHasher.treeID([]).description == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
  }

  @Test func treesSortDirectoriesAsIfTheyEndedWithASlash() {
    // `git write-tree` of "a.txt" and "a/x", both "hello\n" (checked with git 2.39):
    // a dir named "a" sorts after "a.txt" because "a/" > "a.".
    let hello = GitTreeHasher.blobID(Array("hello\n".utf8))
    let tree = GitTreeHasher.treeID([
      .init(path: "a/x", mode: 0o100644, oid: hello),
      .init(path: "a.txt", mode: 0o100644, oid: hello),
    ])
    #expect(tree.description == "a9bae932899dbd616007c2ec028e2f137cef0266")
  }

  @Test func hexRoundTrip() {
    let id = GitTreeHasher.blobID(Array("x".utf8))
    #expect(GitOID(hex: id.description) == id)
    #expect(GitOID(hex: "zz") == nil)
  }

  @Test(arguments: [
    ("https://user:token@github.com/o/r.git", "https://github.com/o/r.git"),
    ("https://token@github.com/o/r.git", "https://github.com/o/r.git"),
    ("http://a:b@host:8080/x", "http://host:8080/x"),
    ("ssh://git:secret@host/x.git", "ssh://git@host/x.git"),
    ("ssh://git@host/x.git", "ssh://git@host/x.git"),
    ("git@github.com:o/r.git", "git@github.com:o/r.git"),
    ("file:///srv/repo.git", "file:///srv/repo.git"),
    ("https://github.com/o/r@v1.git", "https://github.com/o/r@v1.git"),
    ("https://host/o/r.git?access_token=secret", "https://host/o/r.git"),
    ("https://host/o/r.git#token=secret", "https://host/o/r.git"),
    ("https://user:pw@host?token=secret@x/r.git", "https://host"),
    ("http://host:8080/x?a=1#b", "http://host:8080/x"),
    ("file:///srv/a#b/r.git", "file:///srv/a#b/r.git"),
  ])
  func remoteURLsLoseTheirCredentials(url: String, expected: String) {
    #expect(RemoteURL.stripCredentials(url) == expected)
  }
}
