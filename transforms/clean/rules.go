package clean

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/sources"
)

// rules are the sources config's filters, compiled. They are explicit and documented in the README:
// an event whose user agent matches a bot pattern is bot traffic; an account whose e-mail domain,
// name or phone is on the test lists is a test account, and so are its orders, events, touches and
// reviews.
type rules struct {
	bots       []*regexp.Regexp
	testNames  []*regexp.Regexp
	testDomain map[string]bool
	testPhone  map[string]bool
	// botSeen caches the verdict per user agent: clickstreams repeat a few thousand agents, and
	// the case-insensitive expressions cost ~20 µs an event. Each DoFn instance has its own rules.
	botSeen map[string]bool
}

// botCacheMax bounds the user agents remembered; past it the cache starts again.
const botCacheMax = 100_000

// compileRules compiles the rules; test phones without a country code are read in phoneRegion.
func compileRules(r sources.Rules, phoneRegion string) (*rules, error) {
	out := &rules{testDomain: map[string]bool{}, testPhone: map[string]bool{}}
	for _, p := range r.BotUserAgents {
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return nil, fmt.Errorf("bot_user_agents %q: %w", p, err)
		}
		out.bots = append(out.bots, re)
	}
	for _, p := range r.TestNamePatterns {
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return nil, fmt.Errorf("test_name_patterns %q: %w", p, err)
		}
		out.testNames = append(out.testNames, re)
	}
	for _, d := range r.TestEmailDomains {
		out.testDomain[strings.ToLower(strings.TrimSpace(d))] = true
	}
	for _, p := range r.TestPhones {
		e164, err := normalize.Phone(p, phoneRegion)
		if err != nil {
			e164 = p // a number that cannot be valid still marks nobody wrongly
		}
		out.testPhone[e164] = true
	}
	return out, nil
}

// bot reports whether a user agent is bot traffic.
func (r *rules) bot(userAgent string) bool {
	if v, ok := r.botSeen[userAgent]; ok {
		return v
	}
	v := false
	for _, re := range r.bots {
		if re.MatchString(userAgent) {
			v = true
			break
		}
	}
	if r.botSeen == nil || len(r.botSeen) >= botCacheMax {
		r.botSeen = map[string]bool{}
	}
	r.botSeen[userAgent] = v
	return v
}

// testAccount says why an account is a test account, or "" when it is not.
func (r *rules) testAccount(u schemas.User) string {
	if at := strings.LastIndexByte(u.Email, '@'); at >= 0 && r.testDomain[u.Email[at+1:]] {
		return "e-mail domain " + u.Email[at+1:]
	}
	if u.Phone != "" && r.testPhone[u.Phone] {
		return "test phone"
	}
	for _, re := range r.testNames {
		if re.MatchString(u.Name) {
			return "name matches " + re.String()[4:]
		}
	}
	return ""
}
