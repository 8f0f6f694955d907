/* err.c - messages for the error codes of err.h. */
#include "base/err.h"

const char *gs_strerror(int err)
{
    switch (err) {
    case GS_OK:
        return "success";
    case GS_ERR_INVALID:
        return "invalid input";
    case GS_ERR_IO:
        return "input/output error";
    case GS_ERR_NOT_FOUND:
        return "not found";
    case GS_ERR_TOO_BIG:
        return "too big";
    case GS_ERR_EXISTS:
        return "already exists";
    case GS_ERR_CRYPTO:
        return "cryptographic failure";
    case GS_ERR_VERIFY:
        return "verification failed";
    case GS_ERR_DENIED:
        return "denied by policy";
    case GS_ERR_STATE:
        return "invalid state";
    case GS_ERR_UNSUPPORTED:
        return "unsupported";
    }
    return "unknown error";
}
