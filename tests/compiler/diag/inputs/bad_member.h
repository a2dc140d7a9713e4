typedef struct {
  long ok;
  long 7bad;  // expected-error {{unexpected '7', expected a member declaration}}
} from_header;
