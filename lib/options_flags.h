/*
 * The short flag names options.def is written in, for a file that includes
 * options.def. No include guard: a header that undefines them after its use
 * of options.def (rules_int.h) can include this again.
 */
#define F_SECRET MONGOURI_OPTION_SECRET
#define F_TLS MONGOURI_OPTION_TLS
#define F_DEPR MONGOURI_OPTION_DEPRECATED
#define F_SRV MONGOURI_OPTION_SRV_ONLY
#define F_EXT MONGOURI_OPTION_EXTENSION
#define F_PATH MONGOURI_OPTION_PATH
#define F_TXT MONGOURI_OPTION_TXT_ALLOWED
