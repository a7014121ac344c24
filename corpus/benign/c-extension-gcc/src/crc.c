#include <stddef.h>
#include <stdint.h>

uint32_t fastcrc_crc32c(const unsigned char *buf, size_t len, uint32_t crc) {
    crc = ~crc;
    while (len--) {
        crc ^= *buf++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}
