#ifndef RIVULET_APP_AUTOMATION_FILES_H_
#define RIVULET_APP_AUTOMATION_FILES_H_

#include <string>

#include "app/app.h"

// Automations kept in version control: `rivulet automation apply -f FILE.json` and
// `rivulet automation export`, in the native API's canonical document.
namespace rivulet::app {

// Creates the automation, or replaces the one with the document's uuid (which must then be
// DRAFT or PAUSED). The document's "status", when given, is then applied through the
// lifecycle (e.g. "RUNNING" commits and runs it). Returns a one-line summary.
core::Result<std::string> ApplyAutomationFile(Engine& engine, int64_t workspace_id,
                                              const std::string& path);

// One document (uuid given) or {"automations":[…]} for the whole workspace, pretty enough to
// diff.
core::Result<std::string> ExportAutomations(store::Store& store, int64_t workspace_id,
                                            const std::string& uuid);

}  // namespace rivulet::app

#endif  // RIVULET_APP_AUTOMATION_FILES_H_
