# Writes OUT (a header defining HAVEN_COMMIT) from `git rev-parse` in SOURCE_DIR, rewriting it
# only when the commit changed, so `haven --version` names the commit without rebuilding
# anything else. Outside a git checkout (a source tarball) the commit is "unknown".
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
endif()
execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                OUTPUT_VARIABLE changes ERROR_QUIET)
if(NOT changes STREQUAL "")
  string(APPEND commit "+changes")
endif()
set(text "#pragma once\n#define HAVEN_COMMIT \"${commit}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" previous)
endif()
if(NOT previous STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
