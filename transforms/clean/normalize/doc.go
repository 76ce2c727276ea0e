// Package normalize holds the pure functions the clean stage uses to turn raw
// string field values into canonical ones: phones to E.164, e-mails, timestamps
// to UTC microseconds, money to integer fen, enums to canonical names, and
// masking and hashing of personal data. Nothing here knows about Beam.
//
// Every function accepts any string (invalid UTF-8, full-width characters, NUL
// bytes, stray spaces) without panicking, and errors say what was wrong with
// the value, e.g. `phone "12345": not a valid number`.
//
// Two libraries do the parts that go stale when hand-written:
// github.com/nyaruka/phonenumbers is a port of Google's libphonenumber, whose
// numbering-plan metadata (which prefixes are valid mobiles, in which country,
// with how many digits) is maintained upstream and kept up to date;
// golang.org/x/text/width folds full-width forms (１３８, ＠, ＡＢＣ, U+3000)
// using the Unicode East Asian Width tables rather than a hand-made map.
package normalize
