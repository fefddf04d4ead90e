import Foundation

/// Work spread over a few threads: disk-bound jobs (copying, hashing) gain little from more
/// than four.
public enum Parallel {
  /// `body` applied to every item, on up to `workers` threads; results in item order.
  public static func map<Item: Sendable, Value: Sendable>(
    _ items: [Item], workers: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)),
    _ body: @Sendable (Item) throws -> Value
  ) -> [Result<Value, any Error>] {
    let results = ResultBox<Value>(count: items.count)
    if items.count < 8 || workers <= 1 {
      for (i, item) in items.enumerated() { results.set(i, Result { try body(item) }) }
    } else {
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        var i = w
        while i < items.count {
          let item = items[i]
          results.set(i, Result { try body(item) })
          i += workers
        }
      }
    }
    return results.all()
  }
}

/// Per-index results written by worker threads; each index is written by one thread only.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
  private var items: [Result<Value, any Error>?]
  private let lock = NSLock()

  init(count: Int) {
    items = Array(repeating: nil, count: count)
  }

  func set(_ i: Int, _ value: Result<Value, any Error>) {
    lock.lock()
    items[i] = value
    lock.unlock()
  }

  func all() -> [Result<Value, any Error>] {
    lock.lock()
    defer { lock.unlock() }
    return items.enumerated().map { i, r in r ?? .failure(GageError.invalidData("item \(i) was not processed")) }
  }
}
