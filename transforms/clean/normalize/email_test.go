package normalize

import "testing"

func TestEmail(t *testing.T) {
	for in, want := range map[string]string{
		" Alice.Wang@Example.COM ":  "alice.wang@example.com",
		"ａｌｉｃｅ＠ｑｑ．ｃｏｍ":              "alice@qq.com",
		"alice @ qq . com":          "alice@qq.com",
		"alice@qq。com":              "alice@qq.com",
		"13800138000@163.com":       "13800138000@163.com",
		"first+tag@mail.example.cn": "first+tag@mail.example.cn",
		"\x00bob@sina.com.cn\t":     "bob@sina.com.cn",
	} {
		got, err := Email(in)
		if err != nil || got != want {
			t.Errorf("Email(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "   ", "alice", "alice@", "@qq.com", "alice@localhost", "alice@qq.", "alice@.qq.com",
		"alice@qq..com", "Alice <alice@qq.com>", "<alice@qq.com>", "a@b@qq.com", "alice@[1.2.3.4]",
		`"a b"@qq.com`, "alice@qq.com,bob@qq.com", "\xff@qq.com",
	} {
		if got, err := Email(in); err == nil {
			t.Errorf("Email(%q) = %q, want error", in, got)
		}
	}
}
