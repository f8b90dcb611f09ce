#ifndef RIVULET_APP_IMPORT_CONTACTS_H_
#define RIVULET_APP_IMPORT_CONTACTS_H_

#include <string>

#include "app/app.h"

namespace rivulet::app {

struct ImportSummary {
  size_t rows = 0;
  size_t created = 0;
  size_t updated = 0;
};

// Imports contacts from CSV text with a header row. Columns uuid, email, phone,
// external_id, timezone and tags (separated by ';') map to the contact; every other column
// becomes a string attribute. The whole file is validated before anything is written; it
// is then upserted in transactions of 10,000 rows, so re-running an interrupted import is
// safe.
core::Result<ImportSummary> ImportContactsCsv(Engine& engine, int64_t workspace_id,
                                              std::string_view csv);

}  // namespace rivulet::app

#endif  // RIVULET_APP_IMPORT_CONTACTS_H_
