# Profile-guided optimisation of the simulator (-DOHCI_PGO=ON; off by default).
#
# Why: the Verilated model's evaluation is one straight-line function of ~80 KB, bigger than
# the 32 KB L1 instruction cache, so most of its time goes to instruction-cache misses. GCC's
# profile-guided optimisation lays out the hot paths together and cuts those misses by an order
# of magnitude, with no change to any source or to any simulated cycle (docs/architecture.md,
# "RTL that simulates fast", has the measurements).
#
# How: an instrumented copy of this project is configured and built in BUILD/pgo-training
# (-DOHCI_PGO_GENERATE=ON, ohci-sim only), its ohci-sim runs a training stream (the default
# two-node stream, shortened), and the model and the kernel of this build are then compiled with
# -fprofile-use from that profile. The training reruns only when its ohci-sim was rebuilt (an
# RTL or kernel change), and then the optimised objects are rebuilt with it. Costs one more
# build of the model and about ten seconds of training.
option(OHCI_PGO "profile-guided optimisation of the model and kernel (a training run first)" OFF)
option(OHCI_PGO_GENERATE "internal: the instrumented training build of OHCI_PGO" OFF)
set(OHCI_PGO_TRAINING_ARGS --packets 300 --quiet CACHE STRING
    "ohci-sim arguments of the OHCI_PGO training run")

if(OHCI_PGO AND OHCI_PGO_GENERATE)
  message(FATAL_ERROR "OHCI_PGO and OHCI_PGO_GENERATE exclude each other")
endif()
if((OHCI_PGO OR OHCI_PGO_GENERATE) AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  message(FATAL_ERROR "OHCI_PGO needs GCC (-fprofile-prefix-path), not ${CMAKE_CXX_COMPILER_ID}")
endif()
if((OHCI_PGO OR OHCI_PGO_GENERATE) AND OHCI_SANITIZE)
  message(FATAL_ERROR "OHCI_PGO and OHCI_SANITIZE exclude each other (profile a plain build)")
endif()

# -fprofile-prefix-path names each profile after its object's path below the build directory,
# so the training build's profiles are found by this build's objects.
if(OHCI_PGO_GENERATE)
  if(NOT OHCI_PGO_PROFILE_DIR)
    message(FATAL_ERROR "OHCI_PGO_GENERATE needs OHCI_PGO_PROFILE_DIR")
  endif()
  set(_ohci_pgo_compile -fprofile-generate=${OHCI_PGO_PROFILE_DIR}
                        -fprofile-prefix-path=${CMAKE_BINARY_DIR} -fprofile-update=single)
  set(_ohci_pgo_link -fprofile-generate)
elseif(OHCI_PGO)
  set(OHCI_PGO_PROFILE_DIR ${CMAKE_BINARY_DIR}/pgo-profile)
  set(_ohci_pgo_stamp ${OHCI_PGO_PROFILE_DIR}/trained.stamp)
  set(_ohci_pgo_training_dir ${CMAKE_BINARY_DIR}/pgo-training)
  include(ExternalProject)
  ExternalProject_Add(ohci_pgo_training_build
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${_ohci_pgo_training_dir}
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} -DOHCI_PGO_GENERATE=ON
               -DOHCI_PGO_PROFILE_DIR=${OHCI_PGO_PROFILE_DIR} -DOHCI_PYTHON=${OHCI_PYTHON}
    # (its own -j: the parent's make jobserver does not reach an external project's build)
    BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target ohci-sim --parallel 2
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${_ohci_pgo_training_dir}/sim/ohci-sim)
  # Old profiles are removed first: GCC would add the new counts to them.
  add_custom_command(OUTPUT ${_ohci_pgo_stamp}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${OHCI_PGO_PROFILE_DIR}
    COMMAND ${_ohci_pgo_training_dir}/sim/ohci-sim ${OHCI_PGO_TRAINING_ARGS}
    COMMAND ${CMAKE_COMMAND} -E touch ${_ohci_pgo_stamp}
    DEPENDS ${_ohci_pgo_training_dir}/sim/ohci-sim
    COMMENT "OHCI_PGO: training run of the instrumented ohci-sim"
    VERBATIM)
  add_custom_target(ohci_pgo_profile DEPENDS ${_ohci_pgo_stamp})
  add_dependencies(ohci_pgo_profile ohci_pgo_training_build)
  # The training build's sources (the Verilated C++ among them) sit at another absolute path,
  # which GCC reports as "source locations have changed" (-Wcoverage-mismatch, an error by
  # default) although the code and its profile match; a real mismatch only loses the
  # optimisation of that function, never correctness.
  set(_ohci_pgo_compile -fprofile-use=${OHCI_PGO_PROFILE_DIR}
                        -fprofile-prefix-path=${CMAKE_BINARY_DIR} -fprofile-partial-training
                        -Wno-missing-profile -Wno-coverage-mismatch)
endif()

# Compiles `target` for (or from) the training profile; its objects are rebuilt after a new
# training run.
function(ohci_pgo target)
  if(NOT (OHCI_PGO OR OHCI_PGO_GENERATE))
    return()
  endif()
  target_compile_options(${target} PRIVATE ${_ohci_pgo_compile})
  if(OHCI_PGO_GENERATE)
    target_link_options(${target} PUBLIC ${_ohci_pgo_link})
  else()
    add_dependencies(${target} ohci_pgo_profile)
    get_target_property(_sources ${target} SOURCES)
    get_target_property(_dir ${target} SOURCE_DIR)
    set_source_files_properties(${_sources} DIRECTORY ${_dir}
                                PROPERTIES OBJECT_DEPENDS ${_ohci_pgo_stamp})
  endif()
endfunction()
