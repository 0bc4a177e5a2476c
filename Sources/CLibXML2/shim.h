// The slice of libxml2 that KithXML uses, plus what Swift cannot call directly.
#ifndef KITH_CLIBXML2_SHIM_H
#define KITH_CLIBXML2_SHIM_H

// xmlversion.h first, then switch ICU off: Debian's libxml2 pulls in the
// system ICU headers, which clash with the ICU Foundation ships.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

/// xmlFree is a mutable global function pointer, which Swift 6 refuses to
/// read; this calls it.
static inline void kith_xml_free(void *p) {
    if (p) xmlFree(p);
}

/// A structured error handler that drops everything: installed per thread so
/// libxml2 never prints to stderr.
static void kith_xml_silent_structured(void *ctx, xmlErrorPtr error) {
    (void)ctx;
    (void)error;
}

/// Silences libxml2's per-thread generic and structured error output.
static inline void kith_xml_silence_thread(void) {
    xmlSetStructuredErrorFunc(NULL, kith_xml_silent_structured);
}

#endif
