/* fuzz_config.c - gsomia.conf, the node's INI configuration. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_config cfg;
    struct gs_diag d;
    char *text;

    /* gs_config_load refuses NUL bytes before parsing; do the same. */
    if (memchr(data, '\0', size) != NULL)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    gs_diag_init(&d);
    (void)gs_config_parse("fuzz", text, &cfg, &d);
    gs_diag_free(&d);
    free(text);
    return 0;
}
