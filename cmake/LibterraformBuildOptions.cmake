# Warnings and sanitizers for the project's own targets.

function(libterraform_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(LIBTERRAFORM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(LIBTERRAFORM_SANITIZE)
  add_compile_options(-fsanitize=${LIBTERRAFORM_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LIBTERRAFORM_SANITIZE})
  if(LIBTERRAFORM_SANITIZE MATCHES "thread")
    # GCC warns that ThreadSanitizer does not model the fences Asio uses.
    add_compile_options(-Wno-tsan)
  endif()
endif()

find_program(LIBTERRAFORM_CCACHE ccache)
if(LIBTERRAFORM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${LIBTERRAFORM_CCACHE})
endif()
