#ifndef NT_VERSION_H
#define NT_VERSION_H
#define NAUTES_VERSION "0.1.0"
#endif
