# Compiler settings for Haven's own targets. Third-party headers come in as system
# headers, so -Werror applies to our code only.

find_program(HAVEN_CCACHE ccache)
if(HAVEN_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${HAVEN_CCACHE}")
endif()

# The fuzz preset (clang 16): every library instrumented for coverage and both sanitizers; the
# fuzz targets link libFuzzer's main (fuzz/CMakeLists.txt). libstdc++ 12 hides std::expected
# from clang 16 (it checks __cpp_concepts >= 202002L, clang reports 201907): the preset's flags
# redefine the macro, which is safe because clang 16 implements what libstdc++ uses.
if(HAVEN_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(HAVEN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Applies warnings-as-errors and the include root to one of our targets.
function(haven_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
  # GCC 12 at -O3 (the Release preset) reports false -Wrestrict and -Wstringop-overread inside
  # libstdc++'s own std::string and std::vector code; with -Werror they stopped Release builds.
  # Off for GCC 12 Release builds only; the other presets and compilers keep them.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-restrict -Wno-stringop-overread>)
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
endfunction()
