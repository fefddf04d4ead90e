import Foundation

/// A shortest edit script between two sequences (Myers' O(ND) algorithm), after the
/// common head and tail are set aside, as `diff` does.
enum LineDiff {
  /// One step of an edit script.
  enum Edit: Equatable {
    /// The next items of both sequences are equal.
    case equal
    /// The next item of the old sequence is removed.
    case delete
    /// The next item of the new sequence is added.
    case insert
  }

  /// Past this many differences the rest of the middle is treated as replaced wholesale,
  /// which bounds time and memory (the trace grows as the square of the differences).
  static let maxDifferences = 2000

  /// The edit script turning `a` into `b`. As in GNU diff, each run of changes is slid
  /// as far down as equal lines allow (or back up to line up with a run of changes in the
  /// other text), and in every run of changes deletions come first.
  static func edits<T: Hashable>(_ a: [T], _ b: [T]) -> [Edit] {
    var ids: [T: Int] = [:]
    func id(_ item: T) -> Int {
      if let known = ids[item] { return known }
      ids[item] = ids.count
      return ids.count - 1
    }
    let idsA = a.map(id)
    let idsB = b.map(id)
    var head = 0
    while head < idsA.count, head < idsB.count, idsA[head] == idsB[head] { head += 1 }
    var tail = 0
    while tail < idsA.count - head, tail < idsB.count - head,
      idsA[idsA.count - 1 - tail] == idsB[idsB.count - 1 - tail]
    {
      tail += 1
    }
    let middleA = Array(idsA[head..<idsA.count - tail])
    let middleB = Array(idsB[head..<idsB.count - tail])
    let middle =
      myers(middleA, middleB)
      ?? Array(repeating: .delete, count: middleA.count) + Array(repeating: .insert, count: middleB.count)
    var changes = ChangeMarks(Array(repeating: .equal, count: head) + middle + Array(repeating: .equal, count: tail))
    changes.shiftBoundaries(idsA, idsB)
    return changes.edits
  }

  /// Myers' greedy forward search with a trace for the way back; nil past `maxDifferences`.
  private static func myers(_ a: [Int], _ b: [Int]) -> [Edit]? {
    let n = a.count
    let m = b.count
    let limit = min(n + m, maxDifferences)
    let offset = limit + 1
    var v = [Int](repeating: 0, count: 2 * limit + 3)
    // trace[d][k + d] is the furthest x on diagonal k after d differences.
    var trace: [[Int]] = []
    for d in 0...limit {
      for k in stride(from: -d, through: d, by: 2) {
        var x =
          (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
        var y = x - k
        while x < n, y < m, a[x] == b[y] {
          x += 1
          y += 1
        }
        v[offset + k] = x
        if x >= n, y >= m {
          trace.append(Array(v[(offset - d)...(offset + d)]))
          return backtrack(trace, n: n, m: m)
        }
      }
      trace.append(Array(v[(offset - d)...(offset + d)]))
    }
    return nil
  }

  private static func backtrack(_ trace: [[Int]], n: Int, m: Int) -> [Edit] {
    var edits: [Edit] = []
    var x = n
    var y = m
    for d in stride(from: trace.count - 1, to: 0, by: -1) {
      let previous = trace[d - 1]
      func furthest(_ k: Int) -> Int { previous[k + d - 1] }
      let k = x - y
      let previousK = (k == -d || (k != d && furthest(k - 1) < furthest(k + 1))) ? k + 1 : k - 1
      let previousX = furthest(previousK)
      let previousY = previousX - previousK
      while x > previousX, y > previousY {
        edits.append(.equal)
        x -= 1
        y -= 1
      }
      edits.append(x == previousX ? .insert : .delete)
      x = previousX
      y = previousY
    }
    while x > 0, y > 0 {
      edits.append(.equal)
      x -= 1
      y -= 1
    }
    return edits.reversed()
  }
}
