# aitrail_target_warnings(<target>): the warning set our own code is held to.
# Kept out of the INTERFACE target: users choose their own warnings, and our
# headers must stay clean under theirs (the tests compile with these).
function(aitrail_target_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        # GCC < 14 flags designated initializers that leave defaulted members
        # out (audit.scope({.kind = ...})), which is the intended style.
        -Wno-missing-field-initializers
        # GCC 12 at -O3 (Release) inlines std::string's insert and append
        # ("x" + std::to_string(n)) into a memcpy whose length it cannot
        # bound, and reports -Wstringop-overflow, -Warray-bounds or
        # -Wrestrict where nothing overflows: known false positives of GCC
        # 12 with its libstdc++, gone in GCC 13. Only that compiler, only at
        # -O3; every other configuration keeps the three warnings.
        $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<CONFIG:Release>>:-Wno-stringop-overflow;-Wno-array-bounds;-Wno-restrict>)
    if(AITRAIL_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(AITRAIL_SANITIZE STREQUAL "address")
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    elseif(AITRAIL_SANITIZE STREQUAL "thread")
        # -Wno-tsan: Asio's fenced blocks use std::atomic_thread_fence, which
        # GCC warns ThreadSanitizer does not model; the HTTP code around them
        # is still instrumented.
        target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer
            $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
        target_link_options(${target} PRIVATE -fsanitize=thread)
    endif()
endfunction()
