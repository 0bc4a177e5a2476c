// A tiny C face over Google's libphonenumber (C++), so Swift can call it
// without C++ interop. Every function is thread-safe and never throws.
#ifndef KITH_CPHONENUMBER_H
#define KITH_CPHONENUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Result of kith_phone_parse.
typedef enum {
    KITH_PHONE_UNPARSEABLE = 0,  ///< not a phone number in any region tried
    KITH_PHONE_VALID = 1,        ///< a valid number for its region
    KITH_PHONE_POSSIBLE = 2,     ///< parsed and of possible length, not known valid
    KITH_PHONE_INVALID = 3       ///< parsed, but neither valid nor possible
} kith_phone_status;

/// Parses `raw` (UTF-8, NUL-terminated) with `region` (ISO 3166 alpha-2, may
/// be NULL or "" for "must start with +") as the default region. Writes the
/// E.164 form ("+4930123456", NUL-terminated) to `e164` and the extension
/// digits (possibly empty) to `extension`. Buffers of 32 bytes suffice; a
/// longer extension is cut. Returns the status.
kith_phone_status kith_phone_parse(const char *raw, const char *region, char *e164, int e164_capacity,
                                   char *extension, int extension_capacity);

/// Writes the ISO 3166 region code ("DE") that owns `e164` to `out` (3 bytes
/// suffice); returns 0 when unknown.
int kith_phone_region_of(const char *e164, char *out, int capacity);

/// The main region of a country calling code (49 -> "DE") written to `out`
/// (3 bytes suffice); returns 0 when the code is not assigned.
int kith_phone_region_for_country_code(int country_code, char *out, int capacity);

/// The country calling code for a region ("DE" -> 49), 0 when unknown.
int kith_phone_country_code_for_region(const char *region);

#ifdef __cplusplus
}
#endif
#endif
