package normalize

import "testing"

func TestHash(t *testing.T) {
	// RFC 4231-style check against a well-known HMAC-SHA256 vector.
	want := "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := Hash("key", "The quick brown fox jumps over the lazy dog"); got != want {
		t.Errorf("Hash = %s", got)
	}
	if Hash("a", "x") == Hash("b", "x") {
		t.Error("salt ignored")
	}
	if got := MD5Hex(""); got != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("MD5Hex = %s", got)
	}
	want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := SHA256Hex("abc"); got != want {
		t.Errorf("SHA256Hex = %s", got)
	}
	key := VendorPhoneKey("+8613800138000")
	if key != "13800138000" {
		t.Fatalf("VendorPhoneKey = %q", key)
	}
	if got := MD5Hex(key); got != "7945bd83237335e5376ff44d62e4f0ae" {
		t.Errorf("vendor md5 = %s", got)
	}
	want = "a6942f9771d67f34034d2f1926988ed3fad3bf1b4e7cedb9a31f31398dea43bc"
	if got := SHA256Hex(key); got != want {
		t.Errorf("vendor sha256 = %s", got)
	}
	for in, want := range map[string]string{
		"+14155552671": "14155552671", "+861012345678": "861012345678",
		"": "", "+": "", "13800138000": "", "+86 138": "",
	} {
		if got := VendorPhoneKey(in); got != want {
			t.Errorf("VendorPhoneKey(%q) = %q, want %q", in, got, want)
		}
	}
}
