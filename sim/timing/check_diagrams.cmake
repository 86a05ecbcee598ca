# The committed WaveJSON sources of docs/timing/ are exactly what ohci-timing-diagrams writes now.
# cmake -DPROGRAM=<ohci-timing-diagrams> -DCOMMITTED_DIR=<docs/timing> -DWORK_DIR=<dir>
#       -P check_diagrams.cmake
set(remedy "run `make diagrams` and commit docs/timing/ (the .json sources and the .svg files)")
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${PROGRAM} ${WORK_DIR} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ohci-timing-diagrams exited ${status}:\n${out}${err}")
endif()

file(GLOB generated RELATIVE ${WORK_DIR} ${WORK_DIR}/*.json)
file(GLOB committed RELATIVE ${COMMITTED_DIR} ${COMMITTED_DIR}/*.json)
list(SORT generated)
list(SORT committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/timing/ holds [${committed}] but the program writes [${generated}]: "
                      "${remedy}")
endif()

find_program(DIFF diff)
set(stale "")
foreach(name IN LISTS generated)
  file(READ ${COMMITTED_DIR}/${name} committed_text)
  file(READ ${WORK_DIR}/${name} generated_text)
  if(NOT committed_text STREQUAL generated_text)
    list(APPEND stale ${name})
    if(DIFF)
      execute_process(COMMAND ${DIFF} -u ${COMMITTED_DIR}/${name} ${WORK_DIR}/${name}
                      OUTPUT_VARIABLE changes)
      message("${changes}")
    endif()
  endif()
endforeach()
if(stale)
  message(FATAL_ERROR "docs/timing/{${stale}} no longer match the cycle numbers of a run of the "
                      "RTL: ${remedy}")
endif()
