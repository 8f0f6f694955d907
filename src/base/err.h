/*
 * err.h - the one error enum of gsomia.
 *
 * Every function that can fail returns int: 0 on success or a negative
 * GS_ERR_* value. The codes say what kind of failure happened; the details a
 * person needs (which file, which field, what to fix) travel separately,
 * through a struct gs_diag (diag.h) or the log (log.h).
 */
#ifndef GS_BASE_ERR_H
#define GS_BASE_ERR_H

enum gs_err {
    GS_OK = 0,
    GS_ERR_INVALID = -1,     /* malformed input: a file, a field, an argument */
    GS_ERR_IO = -2,          /* the operating system refused a read or write */
    GS_ERR_NOT_FOUND = -3,   /* the named thing does not exist */
    GS_ERR_TOO_BIG = -4,     /* a size limit was reached */
    GS_ERR_EXISTS = -5,      /* refusing to overwrite something that exists */
    GS_ERR_CRYPTO = -6,      /* a cryptographic primitive failed */
    GS_ERR_VERIFY = -7,      /* a signature, hash or proof did not verify */
    GS_ERR_DENIED = -8,      /* the policy denied the operation */
    GS_ERR_STATE = -9,       /* the operation is not valid in this state */
    GS_ERR_UNSUPPORTED = -10 /* a version or feature this build lacks */
};

/* Returns a static, human-readable name for err (never NULL). */
const char *gs_strerror(int err);

#endif
