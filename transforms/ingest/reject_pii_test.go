package ingest

import (
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sources"
)

// personalCSVSource maps a name and a phone, as a tickets export does.
func personalCSVSource() sources.Source {
	return sources.Source{Name: "tickets", Kind: "tickets", Format: sources.FormatCSV,
		Encoding: "utf-8", Columns: map[string]string{"ticket_id": "id", "name": "name",
			"phone": "phone", "text": "body", "created_at": "at"}}
}

// leaks names what of a person a reject's raw text or detail still shows.
func leaks(r schemas.Reject, secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(r.Raw, s) || strings.Contains(r.Detail, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestIngestRejectsMaskPersonalData: rows rejected while reading (a field too many, a stray quote,
// bad JSON) keep neither the name nor any digit of the phone beyond what the row's shape needs.
func TestIngestRejectsMaskPersonalData(t *testing.T) {
	data := "id,name,phone,body,at\n" +
		"t1,张三丰,13812345678,ok,2026-11-20 10:00\n" +
		"t2,李四光,139-8765-4321,one,field,too many,2026-11-20 10:00\n" +
		"t3,王五,158.1111.2222,\"stray,2026-11-20 10:00\n" +
		"t4,赵六,13712345678,\"in\"side,2026-11-20 10:00\n" +
		"t5,extra,钱七,136-1111-2222,body,2026-11-20 10:00\n"
	c := readText(t, personalCSVSource(), data)
	if len(c.rejects) != 4 {
		t.Fatalf("rejects %s, want four", rejectsAt(c))
	}
	secrets := [][]string{{"李四光", "8765", "4321"}, {"王五", "1111", "2222"}, {"赵六", "1234", "5678"},
		{"钱七", "1111", "2222"}}
	for i, r := range c.rejects {
		if l := leaks(r, secrets[i]...); len(l) > 0 {
			t.Errorf("%s reject at line %d keeps %q: raw %q", r.Reason, r.Line, l, r.Raw)
		}
		if !strings.Contains(r.Raw, "2026-11-20") {
			t.Errorf("%s reject at line %d lost what is not personal: %q", r.Reason, r.Line, r.Raw)
		}
	}

	src := sources.Source{Name: "posts", Kind: "site_posts", Format: sources.FormatJSONL,
		Encoding: "utf-8", Columns: map[string]string{"post_id": "id", "site": "site",
			"nickname": "author", "phone_hint": "phone", "text": "body", "posted_at": "time"}}
	lines := `{"id":"p1","site":"x","author":"花盘子","phone":"138****5678","body":"hi"` + "\n" +
		`{"id":"p2","site":"x","author":"花盘子2","phone":"13812345678","body":"hi"` + "\n"
	c = readText(t, src, lines)
	if len(c.rejects) != 2 {
		t.Fatalf("rejects %s, want two", rejectsAt(c))
	}
	for _, r := range c.rejects {
		if l := leaks(r, "花盘子", "5678"); len(l) > 0 {
			t.Errorf("%s reject at line %d keeps %q: raw %q", r.Reason, r.Line, l, r.Raw)
		}
	}
}

// TestOneMaskingForEveryStage: a row rejected while reading and the same row rejected by a later
// stage show the same raw text.
func TestOneMaskingForEveryStage(t *testing.T) {
	line := "t1,张三丰,138 1234 5678,mail a@example.com \xff,2026-11-20 10:00"
	rec := Record{Source: "tickets", File: "t.csv", Line: 2, Raw: line, Fields: map[string]string{
		"ticket_id": "t1", "name": "张三丰", "phone": "138 1234 5678", "text": "mail a@example.com \xff",
		"created_at": "2026-11-20 10:00"}}
	later := rec.Reject("clean", "invalid_created_at", "")
	c := readText(t, personalCSVSource(), "id,name,phone,body,at\n"+line+"\n")
	if len(c.rejects) != 1 || c.rejects[0].Reason != "invalid_utf8" {
		t.Fatalf("rejects %s, want invalid_utf8@2", rejectsAt(c))
	}
	if got := c.rejects[0].Raw; got != later.Raw {
		t.Errorf("read: %q, later: %q", got, later.Raw)
	}
	if l := leaks(later, "张三丰", "1234", "5678", "a@"); len(l) > 0 {
		t.Errorf("a later stage's reject keeps %q: %q", l, later.Raw)
	}
}
