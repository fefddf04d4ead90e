#ifndef GAGE_CLIBGIT2_SHIM_H
#define GAGE_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

/// Sets libgit2's owner-validation option (the variadic git_libgit2_opts is not callable from Swift).
static inline int gage_git_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Bounds the pack windows libgit2 maps: `window` bytes each, `limit` bytes in all (the
/// defaults on 64-bit hosts are 1 GiB and 8 GiB: a 400 MB pack would be mapped whole).
static inline int gage_git_set_mwindow_limits(size_t window, size_t limit) {
  int rc = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
  if (rc < 0) return rc;
  return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
}

#endif
