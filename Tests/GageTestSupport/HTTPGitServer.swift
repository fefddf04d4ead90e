import Foundation
import GageKit

#if canImport(Glibc)
  import Glibc
#endif

/// Git's smart HTTP protocol on 127.0.0.1: a small Python server that asks for HTTP Basic
/// authentication and hands each authenticated request to `git http-backend` (CGI), which
/// serves fetches and pushes of the bare repositories under `root`.
public final class HTTPGitServer: @unchecked Sendable {
  /// The port it listens on.
  public let port: Int
  /// The user name and password it accepts.
  public let user: String
  public let password: String
  private let process: RunningProcess

  /// Starts serving `root`, accepting `user` and `password`. `scratch` holds the server's
  /// script.
  public static func start(
    root: String, scratch: String, user: String = "gage", password: String = "s3cret"
  )
    throws -> HTTPGitServer
  {
    let script = FileIO.join(scratch, "http-git-server.py")
    try FileIO.write(Data(serverScript.utf8), to: script)
    let process = try RunningProcess(
      executable: "/usr/bin/env", arguments: ["python3", script, root, user, password], directory: scratch,
      environment: ProcessInfo.processInfo.environment)
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      let out = process.outputSoFar.stdout
      if let line = out.split(separator: "\n").first(where: { $0.hasPrefix("port ") }),
        let port = Int(line.dropFirst(5))
      {
        return HTTPGitServer(port: port, user: user, password: password, process: process)
      }
      if !process.isRunning { break }
      usleep(20_000)
    }
    process.send(SIGKILL)
    let result = process.wait(timeout: 5)
    throw GageError.invalidInput("the HTTP git server did not start: \(result.stderr)")
  }

  private init(port: Int, user: String, password: String, process: RunningProcess) {
    self.port = port
    self.user = user
    self.password = password
    self.process = process
  }

  /// The URL of repository `name` (a path under the root).
  public func url(_ name: String) -> String {
    "http://127.0.0.1:\(port)/\(name)"
  }

  /// Stops the server.
  public func stop() {
    process.send(SIGTERM)
    _ = process.wait(timeout: 10)
  }

  deinit {
    if process.isRunning { stop() }
  }

  private static let serverScript = #"""
    import base64, http.server, os, subprocess, sys

    root, user, password = sys.argv[1:4]
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.serve()

        def do_POST(self):
            self.serve()

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def serve(self):
            body = self.body()
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="gage"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path, _, query = self.path.partition("?")
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GIT_PROJECT_ROOT": root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "REMOTE_USER": user,
                "REMOTE_ADDR": "127.0.0.1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "GATEWAY_INTERFACE": "CGI/1.1",
            }
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            if self.headers.get("Git-Protocol"):
                env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            head, _, rest = out.partition(b"\r\n\r\n")
            if not rest and b"\n\n" in out:
                head, _, rest = out.partition(b"\n\n")
            status = 200
            headers = []
            for line in head.decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(rest)))
            self.end_headers()
            self.wfile.write(rest)


    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
    """#
}
