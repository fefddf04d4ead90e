// swift-tools-version:6.0
import PackageDescription

// Linux only (Debian): the code calls Glibc directly and links the system's libgit2 and
// libarchive through pkg-config. No `platforms` entry: SwiftPM can only name minimum Apple
// versions there, and no Apple platform is supported.
let package = Package(
  name: "gage-swift",
  products: [
    .executable(name: "gage", targets: ["gage"]),
    .library(name: "GageKit", targets: ["GageKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    .systemLibrary(
      name: "Clibgit2",
      pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"])]
    ),
    .systemLibrary(
      name: "CArchive",
      pkgConfig: "libarchive",
      providers: [.apt(["libarchive-dev"])]
    ),
    .target(name: "CGageSys"),
    .target(
      name: "GageKit",
      dependencies: [
        "CGageSys",
        "Clibgit2",
        "CArchive",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "TOMLKit", package: "TOMLKit"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "gage",
      dependencies: [
        "GageKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "gage-fuzz",
      dependencies: ["GageKit"]
    ),
    .target(
      name: "GageTestSupport",
      dependencies: ["GageKit"],
      path: "Tests/GageTestSupport"
    ),
    .testTarget(name: "GageKitTests", dependencies: ["GageKit", "GageTestSupport"]),
    .testTarget(name: "GageCLITests", dependencies: ["GageKit", "GageTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
