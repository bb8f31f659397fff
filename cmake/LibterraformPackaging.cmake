# Debian packages of a shared build installed under /usr (the `shared` preset):
#   cmake --preset shared && cmake --build --preset shared && cd build/shared && cpack
# makes four, from the install components:
#   libterraform<MAJOR.MINOR>  runtime: the shared library
#   libterraform-dev           dev: headers, the libterraform.so link, CMake and
#                              pkg-config files
#   tfrun                      tfrun, its man page and bash completion
#   libterraform-worker        worker: the remote pool worker and its man page
# Debian names a library's package after its SONAME, which changes with every minor
# version while the major one is 0.
set(LIBTERRAFORM_SONAME_VERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set(LIBTERRAFORM_RUNTIME_PACKAGE libterraform${LIBTERRAFORM_SONAME_VERSION})
set(LIBTERRAFORM_DEBIAN_VERSION ${PROJECT_VERSION}-1)

# The packages' Maintainer field: whoever builds and ships them.
set(LIBTERRAFORM_PACKAGE_CONTACT "libterraform-cpp maintainers <maintainers@libterraform-cpp.org>"
  CACHE STRING "Maintainer of the Debian packages: Name <email>")

# Debian wants a copyright file and a changelog in each package's doc directory.
foreach(component runtime dev tfrun worker)
  if(component STREQUAL runtime)
    set(package ${LIBTERRAFORM_RUNTIME_PACKAGE})
  elseif(component STREQUAL dev)
    set(package libterraform-dev)
  elseif(component STREQUAL worker)
    set(package libterraform-worker)
  else()
    set(package tfrun)
  endif()
  string(TOUPPER ${component} COMPONENT)
  set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_NAME ${package})
  set(docs ${PROJECT_BINARY_DIR}/debian-docs/${package})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/changelog.in ${docs}/changelog.Debian @ONLY)
  execute_process(COMMAND gzip -9nf ${docs}/changelog.Debian COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian/copyright ${docs}/changelog.Debian.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libterraform)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${LIBTERRAFORM_PACKAGE_CONTACT})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev tfrun worker)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Each package's library dependencies from its ELF files (dpkg-shlibdeps), and a shlibs
# file with the ldconfig trigger for the runtime package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/cmake/debian/triggers)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)  # xz takes minutes over the library
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_TFRUN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_WORKER_PACKAGE_SECTION utils)

# The first line is the synopsis; CPack indents the rest, "." separates paragraphs.
# An empty summary keeps CPack from putting the project's in front of each.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(LIBTERRAFORM_ABOUT
  "A C++20 library that runs terraform commands in child processes, across
many module directories at once in a pool of worker processes, and from
Asio coroutines, with typed options, parsed results and live events.")
set(LIBTERRAFORM_NEEDS_TERRAFORM
  "terraform 1.x (or OpenTofu) must be on PATH: it is not a Debian package.")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "Drive the terraform CLI from C++ (shared library)
${LIBTERRAFORM_ABOUT}
.
This package holds the shared library.
${LIBTERRAFORM_NEEDS_TERRAFORM}")
set(CPACK_DEBIAN_DEV_DESCRIPTION "Drive the terraform CLI from C++ (development files)
${LIBTERRAFORM_ABOUT}
.
This package holds the headers, the CMake package and the pkg-config file.")
set(CPACK_DEBIAN_TFRUN_DESCRIPTION "Runs terraform over a tree of modules in dependency order
tfrun discovers the modules of a tree and their dependencies, then runs a
terraform command in each, many at once, each once its dependencies have
succeeded, with a live view, per-module logs and a report.
.
${LIBTERRAFORM_NEEDS_TERRAFORM}")

set(CPACK_DEBIAN_WORKER_DESCRIPTION "Runs a terraform pool's commands on another host
libterraform-worker is what a pool of the libterraform library, or tfrun,
starts on another host through ssh or Slurm's srun: it runs the commands
the pool sends on its standard input and sends their output and results
back on its standard output.
.
${LIBTERRAFORM_NEEDS_TERRAFORM}")

# The headers need Boost and nlohmann/json to compile; the runtime package version to
# link; tfrun and the worker the library they were built with (the = of shlibdeps' >=).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "${LIBTERRAFORM_RUNTIME_PACKAGE} (= ${LIBTERRAFORM_DEBIAN_VERSION}), libboost1.81-dev, libboost-filesystem1.81-dev, nlohmann-json3-dev")
set(CPACK_DEBIAN_TFRUN_PACKAGE_DEPENDS
  "${LIBTERRAFORM_RUNTIME_PACKAGE} (= ${LIBTERRAFORM_DEBIAN_VERSION})")
set(CPACK_DEBIAN_WORKER_PACKAGE_DEPENDS
  "${LIBTERRAFORM_RUNTIME_PACKAGE} (= ${LIBTERRAFORM_DEBIAN_VERSION})")

include(CPack)
