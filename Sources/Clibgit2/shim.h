#ifndef GAGE_CLIBGIT2_SHIM_H
#define GAGE_CLIBGIT2_SHIM_H
#include <git2.h>

/// Sets libgit2's owner-validation option (the variadic git_libgit2_opts is not callable from Swift).
static inline int gage_git_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
#endif
