#ifndef GAGE_CARCHIVE_SHIM_H
#define GAGE_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
