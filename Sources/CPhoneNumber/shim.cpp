// extern "C" shim over libphonenumber; see include/CPhoneNumber.h.
#include "CPhoneNumber.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

void copyOut(const std::string &s, char *out, int capacity) {
    if (out == nullptr || capacity <= 0) return;
    size_t n = s.size() < static_cast<size_t>(capacity - 1) ? s.size() : static_cast<size_t>(capacity - 1);
    std::memcpy(out, s.data(), n);
    out[n] = '\0';
}

}  // namespace

extern "C" kith_phone_status kith_phone_parse(const char *raw, const char *region, char *e164, int e164_capacity,
                                              char *extension, int extension_capacity) {
    copyOut(std::string(), e164, e164_capacity);
    copyOut(std::string(), extension, extension_capacity);
    if (raw == nullptr) return KITH_PHONE_UNPARSEABLE;
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string regionCode = (region != nullptr && region[0] != '\0') ? std::string(region) : std::string("ZZ");
    if (util->Parse(std::string(raw), regionCode, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return KITH_PHONE_UNPARSEABLE;
    }
    std::string formatted;
    util->Format(number, PhoneNumberUtil::E164, &formatted);
    copyOut(formatted, e164, e164_capacity);
    if (number.has_extension()) copyOut(number.extension(), extension, extension_capacity);
    if (util->IsValidNumber(number)) return KITH_PHONE_VALID;
    if (util->IsPossibleNumber(number)) return KITH_PHONE_POSSIBLE;
    return KITH_PHONE_INVALID;
}

extern "C" int kith_phone_region_of(const char *e164, char *out, int capacity) {
    copyOut(std::string(), out, capacity);
    if (e164 == nullptr) return 0;
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
    std::string region;
    util->GetRegionCodeForNumber(number, &region);
    if (region.empty() || region == "ZZ") return 0;
    copyOut(region, out, capacity);
    return 1;
}

extern "C" int kith_phone_country_code_for_region(const char *region) {
    if (region == nullptr) return 0;
    return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(std::string(region));
}

extern "C" int kith_phone_region_for_country_code(int country_code, char *out, int capacity) {
    copyOut(std::string(), out, capacity);
    std::string region;
    PhoneNumberUtil::GetInstance()->GetRegionCodeForCountryCode(country_code, &region);
    if (region.empty() || region == "ZZ") return 0;
    copyOut(region, out, capacity);
    return 1;
}
