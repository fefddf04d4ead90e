import Foundation

/// A list that threads append to at once (e.g. from `DispatchQueue.concurrentPerform`).
public final class ConcurrentList<Element>: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Element] = []

  public init() {}

  /// Appends `element`.
  public func append(_ element: Element) {
    lock.lock()
    defer { lock.unlock() }
    storage.append(element)
  }

  /// What was appended so far.
  public var items: [Element] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}
