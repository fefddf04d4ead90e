#ifndef GAGE_CLIBGIT2_SHIM_H
#define GAGE_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

/// Sets libgit2's owner-validation option (the variadic git_libgit2_opts is not callable from Swift).
static inline int gage_git_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Writes a pack file held in memory into the object database (indexing it).
static inline int gage_git_odb_write_pack(git_odb *odb, const void *data, size_t len) {
  git_odb_writepack *writepack = NULL;
  git_indexer_progress stats = {0};
  int rc = git_odb_write_pack(&writepack, odb, NULL, NULL);
  if (rc < 0) return rc;
  rc = writepack->append(writepack, data, len, &stats);
  if (rc >= 0) rc = writepack->commit(writepack, &stats);
  writepack->free(writepack);
  return rc;
}
#endif
