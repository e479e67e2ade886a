# Writes OUT, a C++ file defining streamc::rt::kUiPage as the bytes of IN
# (runtime/ui/page.html), so the page is edited and linted as HTML and the
# binary needs no file at run time.
file(READ "${IN}" page)
string(FIND "${page}" ")streamc_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )streamc_page\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from runtime/ui/page.html by runtime/ui/embed_page.cmake.\nnamespace streamc::rt {\nextern const char kUiPage[];\nconst char kUiPage[] = R\"streamc_page(${page})streamc_page\";\n}  // namespace streamc::rt\n")
file(RENAME "${OUT}.tmp" "${OUT}")
