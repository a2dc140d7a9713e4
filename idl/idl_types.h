/*
 * idl_types.h: shorthand used by ncarpc's pidl-dialect IDL files.
 *
 * The pidl dialect spells NDR encoding tweaks as [flag(...)] expressions whose
 * names are symbolic; the compiler maps each name to one encoding rule.  The
 * macros below give the short names that the shipped IDL files use.  Which
 * rule each name selects is documented in idl/README.md.
 */
#ifndef NCA_IDL_TYPES_H
#define NCA_IDL_TYPES_H

/* String encoding rules, combined with | inside flag(). */
#define STR_ASCII       LIBNDR_FLAG_STR_ASCII
#define STR_LEN4        LIBNDR_FLAG_STR_LEN4
#define STR_SIZE4       LIBNDR_FLAG_STR_SIZE4
#define STR_SIZE2       LIBNDR_FLAG_STR_SIZE2
#define STR_NOTERM      LIBNDR_FLAG_STR_NOTERM
#define STR_NULLTERM    LIBNDR_FLAG_STR_NULLTERM
#define STR_BYTESIZE    LIBNDR_FLAG_STR_BYTESIZE
#define STR_CONFORMANT  LIBNDR_FLAG_STR_CONFORMANT
#define STR_CHARLEN     LIBNDR_FLAG_STR_CHARLEN
#define STR_UTF8        LIBNDR_FLAG_STR_UTF8
#define STR_RAW8        LIBNDR_FLAG_STR_RAW8

/* Alignment, byte order and "rest of the buffer" rules. */
#define NDR_NOALIGN       LIBNDR_FLAG_NOALIGN
#define NDR_REMAINING     LIBNDR_FLAG_REMAINING
#define NDR_ALIGN2        LIBNDR_FLAG_ALIGN2
#define NDR_ALIGN4        LIBNDR_FLAG_ALIGN4
#define NDR_ALIGN8        LIBNDR_FLAG_ALIGN8
#define NDR_LITTLE_ENDIAN LIBNDR_FLAG_LITTLE_ENDIAN
#define NDR_BIG_ENDIAN    LIBNDR_FLAG_BIGENDIAN

/* Printing only: show a byte array as hex.  No effect on the wire. */
#define NDR_PAHEX         LIBNDR_PRINT_ARRAY_HEX

/* Null-terminated strings without an NDR array header:
 *   astring      8-bit characters, terminated by one zero byte;
 *   nstring      UTF-16 code units, terminated by a zero unit, 2-aligned;
 *   utf8string   UTF-8 bytes, terminated by one zero byte. */
#define astring         [flag(STR_ASCII|STR_NULLTERM)] string
#define nstring         [flag(STR_NULLTERM|NDR_ALIGN2)] string
#define utf8string      [flag(STR_UTF8|STR_NULLTERM)] string

#endif /* NCA_IDL_TYPES_H */
