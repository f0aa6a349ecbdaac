/*
 * err.c - error codes and messages.  Every error that reaches a user carries
 * a message saying what, where and why; codes come from PX_ERRNO_MAP.
 */
#include "px.h"

#include <string.h>

const char *px_strerror_name(int code)
{
	switch (code) {
	case PX_OK:
		return "OK";
#define PX_ERR_NAME(name, val, text)                                           \
	case PX_##name:                                                        \
		return #name;
		PX_ERRNO_MAP(PX_ERR_NAME)
#undef PX_ERR_NAME
	}
	return "EUNKNOWN";
}

const char *px_strerror(int code)
{
	switch (code) {
	case PX_OK:
		return "success";
#define PX_ERR_TEXT(name, val, text)                                           \
	case PX_##name:                                                        \
		return text;
		PX_ERRNO_MAP(PX_ERR_TEXT)
#undef PX_ERR_TEXT
	}
	return "unknown error";
}

/* The last code recorded on this thread, so that px_err_prefix can return
 * it even when the caller passed no err to fill. */
static _Thread_local int last_code;

int px_errorf(struct px_err *err, int code, const char *fmt, ...)
{
	last_code = code;
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int px_err_prefix(struct px_err *err, const char *fmt, ...)
{
	char prefix[256];
	char old[PX_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return last_code < 0 ? last_code : PX_EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return err->code;
}

void px_err_clear(struct px_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
