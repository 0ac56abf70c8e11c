/* curl_easy_setopt and curl_easy_getinfo are variadic C functions, which Swift cannot call:
 * these typed wrappers are all rangectl uses of them. */
#include <curl/curl.h>

typedef size_t (*rangectl_curl_write_fn)(char *data, size_t size, size_t count, void *context);

static inline CURLcode rangectl_curl_set_long(CURL *h, CURLoption option, long value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode rangectl_curl_set_string(CURL *h, CURLoption option, const char *value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode rangectl_curl_set_pointer(CURL *h, CURLoption option, void *value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode rangectl_curl_set_write_function(CURL *h, CURLoption option, rangectl_curl_write_fn fn) {
    return curl_easy_setopt(h, option, fn);
}
static inline CURLcode rangectl_curl_get_long(CURL *h, CURLINFO info, long *value) {
    return curl_easy_getinfo(h, info, value);
}
