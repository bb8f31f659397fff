# The test programs: unit tests of the pure parts and end-to-end tests, which reach
# the library's internal layers too (included by tests/CMakeLists.txt in a static build).
find_package(GTest 1.12 REQUIRED)
include(GoogleTest)

# Programs the tests start: one behaviour per mode for the process tests, and a pool
# parent to kill for the parent-death test.
add_executable(child_helper support/child_helper.cpp)
libterraform_warnings(child_helper)
add_executable(pool_parent support/pool_parent.cpp)
target_link_libraries(pool_parent PRIVATE libterraform)
libterraform_warnings(pool_parent)

# Shared by every test program: temporary modules, leak checks, and a main that makes
# the test process a child subreaper.
add_library(test_support STATIC
  support/pool_service.cpp
  support/test_support.cpp
  support/test_main.cpp)
target_link_libraries(test_support PUBLIC libterraform GTest::gtest)
# Tests reach the library's internal layers too (process, command, pool).
target_include_directories(test_support PUBLIC support ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(test_support PUBLIC
  LIBTERRAFORM_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data"
  LIBTERRAFORM_CHILD_HELPER="$<TARGET_FILE:child_helper>"
  LIBTERRAFORM_POOL_PARENT="$<TARGET_FILE:pool_parent>"

  LIBTERRAFORM_FAKE_PROVIDER_MIRROR="${PROJECT_SOURCE_DIR}/scripts/fake-provider-mirror")
add_dependencies(test_support child_helper pool_parent)
libterraform_warnings(test_support)

# libterraform_test(<name> LABEL <label> [FIXTURES <fixture>] SOURCES <files...>)
function(libterraform_test name)
  cmake_parse_arguments(TEST "" "LABEL;FIXTURES" "SOURCES" ${ARGN})
  add_executable(${name} ${TEST_SOURCES})
  target_link_libraries(${name} PRIVATE test_support)
  libterraform_warnings(${name})
  set(properties LABELS ${TEST_LABEL} TIMEOUT 600)
  if(TEST_FIXTURES)
    list(APPEND properties FIXTURES_REQUIRED ${TEST_FIXTURES})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${properties})
endfunction()

libterraform_test(unit_tests LABEL unit SOURCES
  unit/argv_inspection_test.cpp
  unit/argv_state_test.cpp
  unit/argv_workflow_test.cpp
  unit/async_tokens_test.cpp
  unit/event_queue_test.cpp
  unit/events_test.cpp
  unit/expect_error_test.cpp
  unit/future_test.cpp
  unit/graph_run_state_test.cpp
  unit/graph_schedule_test.cpp
  unit/launchers_test.cpp
  unit/liveness_test.cpp
  unit/module_graph_test.cpp
  unit/plugin_cache_test.cpp
  unit/process_core_test.cpp
  unit/result_test.cpp
  unit/run_core_test.cpp
  unit/scheduler_test.cpp
  unit/wire_test.cpp
  unit/worker_lifecycle_test.cpp)

libterraform_test(process_tests LABEL e2e SOURCES
  e2e/process_test.cpp)

libterraform_test(command_tests LABEL e2e SOURCES
  e2e/terraform_command_test.cpp
  e2e/command_failures_test.cpp
  e2e/opentofu_test.cpp)

libterraform_test(async_tests LABEL async SOURCES
  e2e/async_test.cpp)

libterraform_test(streaming_tests LABEL streaming SOURCES
  e2e/streaming_test.cpp)

libterraform_test(pool_tests LABEL pool SOURCES
  e2e/pool_test.cpp
  e2e/pool_failures_test.cpp
  e2e/worker_protocol_test.cpp
  e2e/plugin_cache_test.cpp)

libterraform_test(graph_tests LABEL graph SOURCES
  e2e/graph_run_test.cpp)

if(LIBTERRAFORM_BUILD_TOOLS)
  libterraform_test(tfrun_unit_tests LABEL unit SOURCES unit/tfrun_test.cpp)
  target_link_libraries(tfrun_unit_tests PRIVATE tfrun_core)
  libterraform_test(tfrun_tests LABEL tfrun SOURCES e2e/tfrun_test.cpp e2e/tfrun_selection_test.cpp)
  target_compile_definitions(tfrun_tests PRIVATE LIBTERRAFORM_TFRUN="$<TARGET_FILE:tfrun>")
  add_dependencies(tfrun_tests tfrun)

  # Remote workers: libterraform-worker through launchers, among them a private sshd and
  # a one-node Slurm cluster that fixtures start and stop (tests/remote/).
  set(remote_dir ${CMAKE_CURRENT_BINARY_DIR}/remote)
  libterraform_test(remote_tests LABEL remote FIXTURES remote_services SOURCES e2e/remote_workers_test.cpp)
  target_compile_definitions(remote_tests PRIVATE
    LIBTERRAFORM_WORKER_PROGRAM="$<TARGET_FILE:libterraform-worker>"
    LIBTERRAFORM_TFRUN="$<TARGET_FILE:tfrun>"
    LIBTERRAFORM_REMOTE_DIR="${remote_dir}")
  add_dependencies(remote_tests libterraform-worker tfrun)
  foreach(service sshd slurm)
    add_test(NAME remote.${service}.start
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/remote/${service}.sh start ${remote_dir}/${service})
    add_test(NAME remote.${service}.stop
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/remote/${service}.sh stop ${remote_dir}/${service})
    set_tests_properties(remote.${service}.start PROPERTIES
      FIXTURES_SETUP remote_services LABELS remote TIMEOUT 60)
    set_tests_properties(remote.${service}.stop PROPERTIES
      FIXTURES_CLEANUP remote_services LABELS remote TIMEOUT 60)
  endforeach()
  add_test(NAME remote.tfrun.example_tree
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/remote/tfrun_example_tree.sh ${remote_dir}
      $<TARGET_FILE:tfrun> $<TARGET_FILE:libterraform-worker> ${PROJECT_SOURCE_DIR})
  set_tests_properties(remote.tfrun.example_tree PROPERTIES
    FIXTURES_REQUIRED remote_services LABELS remote TIMEOUT 300)
  if(LIBTERRAFORM_BUILD_BENCHMARKS)
    # The remote benchmark, small, so that CI runs it whole (its figures come from a
    # full run by hand: docs/benchmarks.md). It starts services of its own.
    add_test(NAME remote.benchmark
      COMMAND remote_benchmark --workers 2 --modules 8 --tasks 50 --cancels 10)
    set_tests_properties(remote.benchmark PROPERTIES LABELS remote TIMEOUT 300 RUN_SERIAL ON)
  endif()
endif()

# The library in hostile hosts (run under ThreadSanitizer too, with the pool's tests).
libterraform_test(host_tests LABEL host SOURCES
  e2e/host_conditions_test.cpp
  e2e/pool_resilience_test.cpp)
