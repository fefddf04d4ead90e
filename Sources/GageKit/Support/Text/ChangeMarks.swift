import Foundation

/// The lines of two texts an edit script changes, as flags, and GNU diff's boundary
/// shifting on them (`shift_boundaries` in diffutils' `analyze.c`), so that among edit
/// scripts of the same length the one `diff` prints is chosen.
struct ChangeMarks {
  /// `changed[0]` for the old text, `changed[1]` for the new one; line `x` is at index
  /// `x + 1`, and the first and last items are `false` sentinels.
  private var changed: [[Bool]]

  /// The marks of an edit script.
  init(_ edits: [LineDiff.Edit]) {
    var old: [Bool] = [false]
    var new: [Bool] = [false]
    for edit in edits {
      switch edit {
      case .equal:
        old.append(false)
        new.append(false)
      case .delete: old.append(true)
      case .insert: new.append(true)
      }
    }
    changed = [old + [false], new + [false]]
  }

  /// The edit script of the marks; in each run of changes, deletions come first.
  var edits: [LineDiff.Edit] {
    let old = changed[0]
    let new = changed[1]
    var result: [LineDiff.Edit] = []
    var i = 1
    var j = 1
    while i < old.count - 1 || j < new.count - 1 {
      if i < old.count - 1, old[i] {
        result.append(.delete)
        i += 1
      } else if j < new.count - 1, new[j] {
        result.append(.insert)
        j += 1
      } else {
        result.append(.equal)
        i += 1
        j += 1
      }
    }
    return result
  }

  /// Slides each run of changed lines, in each text, as far down as equal lines allow,
  /// merging with neighbouring runs, then back up to end where a run of changes of the
  /// other text ends when that is possible. `old` and `new` are the lines' equivalence ids.
  mutating func shiftBoundaries(_ old: [Int], _ new: [Int]) {
    for f in 0..<2 {
      let equivs = f == 0 ? old : new
      let other = changed[1 - f]
      var mine = changed[f]
      // Indices follow diffutils: line x of a text is at `[x + 1]` of its marks.
      func isChanged(_ x: Int) -> Bool { mine[x + 1] }
      func otherChanged(_ x: Int) -> Bool { other[x + 1] }
      let end = equivs.count
      var i = 0
      var j = 0
      while true {
        // Find the next run of changes, keeping `j` at the matching line of the other text.
        while i < end, !isChanged(i) {
          while otherChanged(j) { j += 1 }
          j += 1
          i += 1
        }
        if i == end { break }
        var start = i
        i += 1
        while isChanged(i) { i += 1 }
        while otherChanged(j) { j += 1 }
        var corresponding = end
        var runLength = 0
        repeat {
          runLength = i - start
          // Back up while the line before the run equals its last line.
          while start > 0, equivs[start - 1] == equivs[i - 1] {
            start -= 1
            mine[start + 1] = true
            i -= 1
            mine[i + 1] = false
            while isChanged(start - 1) { start -= 1 }
            repeat { j -= 1 } while otherChanged(j)
          }
          corresponding = otherChanged(j - 1) ? i : end
          // Then move down while the run's first line equals the line after it.
          while i != end, equivs[start] == equivs[i] {
            mine[start + 1] = false
            start += 1
            mine[i + 1] = true
            i += 1
            while isChanged(i) { i += 1 }
            j += 1
            while otherChanged(j) {
              corresponding = i
              j += 1
            }
          }
        } while runLength != i - start
        // Line the run up with a run of changes in the other text, when there is one.
        while corresponding < i {
          start -= 1
          mine[start + 1] = true
          i -= 1
          mine[i + 1] = false
          repeat { j -= 1 } while otherChanged(j)
        }
      }
      changed[f] = mine
    }
  }
}
