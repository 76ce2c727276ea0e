package resolve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// TestSelfCandidate prepares accounts for the account model: the name with its handles (the
// letters of the e-mail and of the name, the pinyin of a Chinese name both ways round), blocked on
// the name and on each handle, and initials too short to be one.
func TestSelfCandidate(t *testing.T) {
	c := selfCandidate(
		schemas.User{
			UserID:              "1",
			Name:                "王 静",
			Email:               "wang_jing88@qq.com",
			Birthday:            "1990-03-04",
			BirthYear:           1990,
			Gender:              "female",
			City:                "杭州市",
			RegistrationChannel: "app",
		},
	)
	if want := []string{"王静\tjingwang wangjing", "1990-03-04", "1990", "female", "杭州",
		"app"}; !reflect.DeepEqual(
		c.Values,
		want,
	) {
		t.Errorf("values %q, want %q", c.Values, want)
	}
	if want := []string{"account/n|王静", "account/h|jingwang",
		"account/h|wangjing"}; !reflect.DeepEqual(
		c.Blocks,
		want,
	) ||
		!c.Weak ||
		c.Key != "account:1" {
		t.Errorf("candidate %+v, want blocks %q", c, want)
	}
	c = selfCandidate(schemas.User{UserID: "2", Name: "ZhangWei23", Email: "zw@163.com"})
	if c.Values[accountName] != "zhangwei23\tzhangwei" || c.Values[accountYear] != "" {
		t.Errorf("handle from the name: %q", c.Values)
	}
	if c = selfCandidate(schemas.User{UserID: "3", Email: "zw@163.com"}); len(c.Blocks) != 0 {
		t.Errorf("initials blocked: %q", c.Blocks)
	}
}

// TestNamePinyin reads names of two to four Chinese characters, surnames as surnames, and nothing
// else.
func TestNamePinyin(t *testing.T) {
	for name, want := range map[string][]string{
		"潘华": {"pan", "hua"}, "曾伟": {"zeng", "wei"}, "单雪": {"shan", "xue"},
		"欧阳娜娜": {"ou", "yang", "na", "na"},
		"王":    nil, "奶茶不加糖": nil, "Sunny": nil, "王a": nil, "": nil,
	} {
		if got := namePinyin(name); !reflect.DeepEqual(got, want) {
			t.Errorf("namePinyin(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestNameLevels compares names and handles: the same name, the same handle under another name
// (a Chinese name and its pinyin in an e-mail, either way round), a similar handle, else.
func TestNameLevels(t *testing.T) {
	user := func(name, email string) string {
		return selfCandidate(schemas.User{UserID: "x", Name: name, Email: email}).Values[accountName]
	}
	c := accountModel.Comparators[accountName]
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{user("潘华", ""), user("潘华", "x@qq.com"), levelName},
		{user("潘华", ""), user("奶茶不加糖", "huapan120493@sina.com"), levelHandle},
		{user("蔡平俊", ""), user("caipingjun21", ""), levelHandle},
		{user("yuanhansi80", ""), user("Sunny", "yuanhansy@qq.com"), 2},
		{user("潘华", ""), user("王磊", ""), 3},
		{user("潘华", ""), user("奶茶不加糖", ""), 3},
		{user("", ""), user("潘华", ""), linkage.Missing},
	} {
		if got := c.Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := c.Compare(tc.b, tc.a); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (reversed)", tc.b, tc.a, got, tc.want)
		}
	}
}

// TestAccountEvidence counts only an exact name or handle as direct evidence between accounts.
func TestAccountEvidence(t *testing.T) {
	a := selfCandidate(
		schemas.User{
			UserID:    "1",
			Name:      "欧阳娜娜",
			Email:     "nana.ouyang@qq.com",
			BirthYear: 1990,
			City:      "杭州",
			Gender:    "female",
		},
	)
	for name, tc := range map[string]struct {
		u    schemas.User
		want bool
	}{
		"name": {schemas.User{UserID: "2", Name: "欧阳娜娜"}, true},
		"handle": {schemas.User{UserID: "2", Name: "小可爱", Email: "ouyangnana@163.com"},
			true},
		"similar handle, year, city": {schemas.User{UserID: "2", Name: "小可爱", Email: "ouyangnan@163.com",
			BirthYear: 1990, City: "杭州"}, false},
		"year and city": {schemas.User{UserID: "2", BirthYear: 1990, City: "杭州"}, false},
	} {
		b := selfCandidate(tc.u)
		if got := accountModel.evident(compare(&a, &b)); got != tc.want {
			t.Errorf("%s: evident %v, want %v (vector %v)", name, got, tc.want, compare(&a, &b))
		}
	}
}

// TestAccountScore adjusts the name's weight by its term frequency: a rare name with the same
// birth year and city links two accounts, a name 100 accounts share does not unless the birthday
// agrees too; the prior is EM's match share scaled from the pairs compared to all pairs.
func TestAccountScore(t *testing.T) {
	params := initialParams(accountModel, nil, nil, DefaultConfig().Match)
	params.M = [][]float64{
		{0.35, 0.6, 0.03, 0.02},
		{0.98, 0.02},
		{0.98, 0.01, 0.01},
		{0.99, 0.01},
		{0.99, 0.01},
		{0.85, 0.15},
	}
	params.U = [][]float64{
		{0.35, 0.6, 0.03, 0.02},
		{0.001, 0.999},
		{0.03, 0.06, 0.91},
		{0.9, 0.1},
		{0.04, 0.96},
		{0.4, 0.6},
	}
	params.Lambda = 0.05
	pats := []linkage.Pattern{{Count: 60_000}, {Count: 40_000}}
	fit := &fitted{Params: []*linkage.Params{nil, nil, params}, Accounts: 100_000}
	fit.Prior = accountPrior(params.Lambda, pats, fit.Accounts)
	if want := 0.05 * 100_000 / (100_000 * 99_999 / 2.0); math.Abs(fit.Prior-want) > 1e-12 {
		t.Fatalf("prior %g, want %g", fit.Prior, want)
	}
	const M = linkage.Missing
	for _, tc := range []struct {
		name string
		v    linkage.Vector
		p    pair
		link bool
	}{
		{"rare name, year, city", linkage.Vector{levelName, M, 0, M, 0, 0}, pair{NameFreq: 2}, true},
		{"common name, year, city", linkage.Vector{levelName, M, 0, M, 0, 0}, pair{NameFreq: 100}, false},
		{"common name, birthday, year", linkage.Vector{levelName, 0, 0, M, M, 0},
			pair{NameFreq: 100}, true},
		{"rare handle, year, city", linkage.Vector{levelHandle, M, 0, M, 0, 0},
			pair{HandleFreq: 2}, true},
		{"rare name, another year", linkage.Vector{levelName, M, 2, M, 0, 0}, pair{NameFreq: 2}, false},
		{"rare name alone", linkage.Vector{levelName, M, M, M, M, M}, pair{NameFreq: 2}, false},
	} {
		p := pair{Model: accountModelIndex, NameFreq: tc.p.NameFreq, HandleFreq: tc.p.HandleFreq}
		if prob, _ := fit.score(tc.v, p); (prob >= DefaultConfig().Match.Threshold) != tc.link {
			t.Errorf("%s: score %.4f, want link %v", tc.name, prob, tc.link)
		}
	}
}

// TestAccountModelEM fits the account model on vectors drawn from known m and u without labels,
// starting from random-pair u, and checks that EM finds them back and ranks the vectors as they
// should: name, year and city alike is a match, the name alone is not.
func TestAccountModelEM(t *testing.T) {
	md := accountModel
	trueM := [][]float64{
		{0.35, 0.5, 0.1, 0.05},
		{0.7, 0.3},
		{0.85, 0.1, 0.05},
		{0.95, 0.05},
		{0.9, 0.1},
		{0.6, 0.4},
	}
	trueU := [][]float64{
		{0.3, 0.5, 0.05, 0.15},
		{0.002, 0.998},
		{0.03, 0.06, 0.91},
		{0.5, 0.5},
		{0.05, 0.95},
		{0.4, 0.6},
	}
	rng := rand.New(rand.NewPCG(7, 11))
	draw := func(p []float64) int8 { return drawLevel(rng, p) }
	var vectors []linkage.Vector
	for i := range 20000 {
		probs := trueU
		if i%10 == 0 { // a 10% match share
			probs = trueM
		}
		v := make(linkage.Vector, len(probs))
		for f := range probs {
			v[f] = draw(probs[f])
		}
		vectors = append(vectors, v)
	}
	init := initialParams(md, nil, nil, DefaultConfig().Match)
	for f := range init.U {
		init.U[f] = trueU[f] // as random pairs would give them
	}
	params, st := linkage.EM(vectors, init, linkage.EMConfig{MaxIterations: 500, Tolerance: 1e-7})
	if !st.Converged {
		t.Fatalf("EM did not converge: %+v", st)
	}
	if math.Abs(params.Lambda-0.1) > 0.02 {
		t.Errorf("match share %.3f, want 0.1", params.Lambda)
	}
	for f := range trueM {
		for l := range trueM[f] {
			if d := math.Abs(params.M[f][l] - trueM[f][l]); d > 0.05 {
				t.Errorf(
					"m[%s][%d] = %.3f, want %.3f",
					md.Fields[f],
					l,
					params.M[f][l],
					trueM[f][l],
				)
			}
		}
	}
	if _, p := params.Score(linkage.Vector{0, linkage.Missing, 0, 0, 0, 0}); p < 0.95 {
		t.Errorf("name, year, gender, city and channel alike score %.3f", p)
	}
	if _, p := params.Score(linkage.Vector{0, 1, 2, 1, 1, 1}); p > 0.05 {
		t.Errorf("the name alone scores %.3f", p)
	}
}

// TestResolveSecondAccounts joins second accounts that share nothing with the first but the name
// (or its pinyin), the birthday and the city, among a thousand other accounts whose names often
// repeat; it leaves apart the namesakes among them, and accounts named like more than
// max_account_block others born the same year.
func TestResolveSecondAccounts(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	surnames, given := []rune("王李张刘陈杨赵黄"), []rune("芳娜敏静丽艳娟霞婷雪")
	cities := []string{"杭州", "成都", "北京", "广州", "西安"}
	rng := rand.New(rand.NewPCG(3, 5))
	var rows []any
	owner := map[string]string{}
	add := func(u schemas.User, person string) {
		rows = append(rows, u)
		owner["account:"+u.UserID] = "account:" + person
		if u.Email != "" {
			owner["email:"+u.Email] = "account:" + person
		}
	}
	user := func(uid string) schemas.User {
		name := string(
			surnames[rng.IntN(len(surnames))],
		) + string(
			given[rng.IntN(len(given))],
		) + string(
			given[rng.IntN(len(given))],
		)
		year := 1960 + rng.IntN(40)
		return schemas.User{
			UserID:              uid,
			Name:                name,
			BirthYear:           int32(year),
			Birthday:            fmt.Sprintf("%d-%02d-%02d", year, 1+rng.IntN(12), 1+rng.IntN(28)),
			City:                cities[rng.IntN(len(cities))],
			Gender:              "female",
			RegistrationChannel: "app",
		}
	}
	for i := range 1000 {
		u := user(fmt.Sprintf("a%04d", i))
		add(u, u.UserID)
		if i%50 == 0 { // one person's second account: the name, or its pinyin in the e-mail
			b := u
			b.UserID, b.City = fmt.Sprintf("b%04d", i), u.City+"市"
			if i%100 == 0 {
				b.Name, b.Email = "奶茶不加糖", strings.Join(namePinyin(u.Name), "")+"88@qq.com"
			}
			add(b, u.UserID)
		}
	}
	for i := range DefaultConfig().Match.MaxAccountBlock + 1 {
		add(
			schemas.User{
				UserID:    fmt.Sprintf("m%02d", i),
				Name:      "橘子汽水",
				BirthYear: 2000,
				Birthday:  "2000-01-01",
				City:      "上海",
			},
			fmt.Sprintf("m%02d", i),
		)
	}
	out := night(s, rows, nil, nil)
	var want []string
	for key, person := range owner {
		want = append(want, pairString(key, newID(person)))
	}
	passert.EqualsList(s, beam.ParDo(s, pairString, out.Identity), want)
	ptest.RunAndValidate(t, p)
}

// TestCompareNarrowsCommonNames compares a name more than max_account_block accounts share only
// within each birth year, marks those pairs narrow with the name's frequency, and counts a year
// still over the cap as the guard.
func TestCompareNarrowsCommonNames(t *testing.T) {
	f := &compareFn{MaxBlock: 2000, MaxAccountBlock: 3}
	f.StartBundle(context.Background(), nil, nil)
	var accts []candidate
	for i, year := range []int32{1990, 1990, 1991, 1992, 1993, 1994, 1994, 1994, 1994, 0} {
		accts = append(
			accts,
			selfCandidate(schemas.User{UserID: fmt.Sprint(i), Name: "王伟", BirthYear: year}),
		)
	}
	i := 0
	iter := func(c *candidate) bool {
		if i == len(accts) {
			return false
		}
		*c, i = accts[i], i+1
		return true
	}
	var got []string
	f.ProcessElement(context.Background(), "account/n|王伟", iter, func(k string, p pair) {
		got = append(
			got,
			fmt.Sprintf(
				"%s>%s narrow=%v name=%d handle=%d",
				k,
				p.Account,
				p.Narrow,
				p.NameFreq,
				p.HandleFreq,
			),
		)
	}, nil)
	want := []string{
		"account:0>account:1 narrow=true name=10 handle=0",
		"account:1>account:0 narrow=true name=10 handle=0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pairs %q, want %q", got, want)
	}
	guard := quality.Key{
		Source:  Source,
		Stage:   Stage,
		Measure: quality.Guard,
		Reason:  "max_block:account",
	}
	if f.counts[guard] != 1 {
		t.Errorf("guard counted %d, want 1 (1994 has four accounts): %v", f.counts[guard], f.counts)
	}
}

// TestWeakBlocks blocks tickets and posts on keys of two pieces of evidence, on one piece only when
// they lack the second, and on the wide fitting keys; an account names every key it could be found
// by.
func TestWeakBlocks(t *testing.T) {
	for _, tc := range []struct {
		name         string
		c            candidate
		blocks, wide []string
	}{
		{"post with digits and city", postCandidate(schemas.SitePost{PostID: "1", Nickname: "Wang_Lei88",
			City: "杭州市", PhoneHint: "138****5678"}),
			[]string{"post/l4p|5678|138", "post/l4c|5678|杭州", "post/nc|wanglei88|杭州", "post/hc|wanglei|杭州"},
			[]string{"post/l4|5678", "post/h4|wang"}},
		{"post with the last digits only",
			postCandidate(schemas.SitePost{PostID: "2", Nickname: "王磊", PhoneHint: "****5678"}),
			[]string{"post/l4|5678", "post/n|王磊"}, []string{"post/l4|5678"}},
		{"ticket with a surname",
			must(ticketCandidate(schemas.Ticket{TicketID: "t1", Name: "王女士", Phone: "+8613812345678"})),
			[]string{"ticket/p7s|1381234|王", "ticket/l4s|5678|王"},
			[]string{"ticket/p7|1381234", "ticket/l4|5678"}},
		{"ticket with a name in pinyin",
			must(ticketCandidate(schemas.Ticket{TicketID: "t2", Name: "Wang Lei", Phone: "+8613812345678"})),
			[]string{"ticket/p7|1381234", "ticket/l4|5678"},
			[]string{"ticket/p7|1381234", "ticket/l4|5678"}},
	} {
		if !reflect.DeepEqual(tc.c.Blocks, tc.blocks) || !reflect.DeepEqual(tc.c.Wide, tc.wide) {
			t.Errorf(
				"%s: blocks %q wide %q, want %q and %q",
				tc.name,
				tc.c.Blocks,
				tc.c.Wide,
				tc.blocks,
				tc.wide,
			)
		}
	}
	accts := accountCandidates(
		schemas.User{
			UserID: "u",
			Name:   "王磊",
			Phone:  "+8613812345678",
			City:   "杭州",
			Email:  "wanglei88@qq.com",
		},
	)
	want := [][]string{
		{"ticket/p7s|1381234|王", "ticket/l4s|5678|王", "ticket/p7|1381234", "ticket/l4|5678"},
		{
			"post/l4p|5678|138",
			"post/l4c|5678|杭州",
			"post/nc|王磊|杭州",
			"post/hc|leiwang|杭州",
			"post/hc|wanglei|杭州",
			"post/l4|5678",
			"post/n|王磊",
			"post/h|leiwang",
			"post/h|wanglei",
		},
	}
	if len(accts) != 2 || !reflect.DeepEqual(accts[0].Blocks, want[0]) ||
		!reflect.DeepEqual(accts[1].Blocks, want[1]) {
		t.Errorf("account candidates %+v, want blocks %q", accts, want)
	}
	// Without a city or a surname in Chinese, an account is found by its digits, name and handles.
	accts = accountCandidates(schemas.User{UserID: "v", Name: "Sunny", Phone: "+8613812345678"})
	want = [][]string{
		{"ticket/p7|1381234", "ticket/l4|5678"},
		{"post/l4p|5678|138", "post/l4|5678", "post/n|sunny", "post/h|sunny"},
	}
	if len(accts) != 2 || !reflect.DeepEqual(accts[0].Blocks, want[0]) ||
		!reflect.DeepEqual(accts[1].Blocks, want[1]) {
		t.Errorf("account candidates without city %+v, want blocks %q", accts, want)
	}
}

func must(c candidate, ok bool) candidate {
	if !ok {
		panic("no candidate")
	}
	return c
}

// TestWeakRecordsJoinTheirAccounts matches posts (the account's name, city and a partial phone) and
// tickets (the name and a phone with one digit mistyped) among a thousand accounts, with the
// models fitted on the wide blocks of the fitting sample: each joins its account, and nothing of
// the fitting records (their keys, their pairs) reaches the identity map.
func TestWeakRecordsJoinTheirAccounts(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	surnames, given := []rune("王李张刘陈杨赵黄"), []rune("芳娜敏静丽艳娟霞婷雪伟磊")
	cities := []string{"杭州", "成都", "北京", "广州", "西安"}
	rng := rand.New(rand.NewPCG(7, 11))
	var rows []any
	var want []string
	for i := range 1000 {
		u := schemas.User{UserID: fmt.Sprintf("a%04d", i), City: cities[rng.IntN(len(cities))],
			// Names are distinct (two accounts of one name and city leave a post ambiguous).
			Name: string(
				surnames[i%len(surnames)],
			) + string(
				given[i/len(surnames)%len(given)],
			) + string(
				given[i/len(surnames)/len(given)%len(given)],
			),
			Phone: fmt.Sprintf(
				"+86%d%08d",
				[]int{135, 138, 139, 158, 186}[rng.IntN(5)],
				rng.IntN(100_000_000),
			)}
		rows = append(rows, u)
		person := newID("account:" + u.UserID)
		national := u.Phone[3:]
		switch i % 20 {
		case 0:
			id := fmt.Sprintf("dianping:%d", i)
			rows = append(
				rows,
				schemas.SitePost{
					PostID:    id,
					Nickname:  u.Name,
					City:      u.City,
					PhoneHint: national[:3] + "****" + national[7:],
				},
			)
			want = append(want, pairString("post:"+id, person))
		case 1:
			typo := []byte(u.Phone)
			typo[len(typo)-2] = '0' + (typo[len(typo)-2]-'0'+1)%10
			id := fmt.Sprintf("t%d", i)
			rows = append(rows, schemas.Ticket{TicketID: id, Name: u.Name, Phone: string(typo)})
			want = append(want, pairString("ticket:"+id, person))
		}
	}
	out := night(s, rows, nil, nil)
	passert.EqualsList(s, beam.ParDo(s, weakPerson, out.Identity), want)
	passert.EqualsList(
		s,
		beam.ParDo(s, fittedModel, out.Counts),
		[]string{"compared_fit:post", "compared_fit:ticket"},
	)
	// Every post has its owner among the accounts, and says so: EM finds most posts owned; the
	// ticket model weighs a phone written exactly as strong evidence.
	passert.EqualsList(
		s,
		beam.ParDo(s, cardSummary, out.MatchCard),
		[]string{
			"ticket: 3 fields, exact phone strong",
			"post: 5 fields, most owned",
			"account: 6 fields",
		},
	)
	ptest.RunAndValidate(t, p)
}

// cardSummary names a match card's models with their fields, for posts whether EM found most of
// them owned, for tickets whether an exact phone weighs more than ten bits.
func cardSummary(c MatchCard, emit func(string)) {
	for _, m := range c.Models {
		s := fmt.Sprintf("%s: %d fields", m.Name, len(m.Fields))
		if m.OwnerShare > 0.5 {
			s += ", most owned"
		}
		if m.Name == ticketModel.Name && m.Fields[0].Levels[0].Weight > 10 {
			s += ", exact phone strong"
		}
		emit(s)
	}
}

// weakPerson names the person of a post, a ticket or anything under the fitting prefix.
func weakPerson(key, person string, emit func(string)) {
	if strings.HasPrefix(key, "post:") || strings.HasPrefix(key, "ticket:") ||
		strings.HasPrefix(key, fitPrefix) {
		emit(pairString(key, person))
	}
}

// fittedModel names the models whose fitting pairs were counted.
func fittedModel(key string, n int64, emit func(string)) {
	if i := strings.Index(key, "compared_fit:"); i >= 0 && n > 0 {
		emit(key[i:])
	}
}

func init() {
	register.Function3x0(weakPerson)
	register.Function3x0(fittedModel)
	register.Function2x0(cardSummary)
}

// drawLevel draws a comparison level from its probabilities.
func drawLevel(rng *rand.Rand, p []float64) int8 {
	x := rng.Float64()
	for l, q := range p {
		if x -= q; x < 0 {
			return int8(l)
		}
	}
	return int8(len(p) - 1)
}

// TestPostSessions fits the post model rule by rule on fitting pairs drawn from known m and u, in
// which each rule's fields agree by construction (as blocking makes them), and finds m back for
// every field from the rules that leave it free; the match share becomes one over the accounts.
func TestPostSessions(t *testing.T) {
	md := postModel
	trueM := [][]float64{
		{0.97, 0.03},
		{0.95, 0.05},
		{0.3, 0.2, 0.1, 0.4},
		{0.3, 0.3, 0.1, 0.1, 0.2},
		{0.9, 0.1},
	}
	trueU := [][]float64{
		{0.0001, 0.9999},
		{0.06, 0.94},
		{0.001, 0.002, 0.003, 0.994},
		{0.00001, 0.001, 0.001, 0.03, 0.96799},
		{0.04, 0.96},
	}
	rng := rand.New(rand.NewPCG(3, 5))
	draw := func(p []float64) int8 { return drawLevel(rng, p) }
	pats := map[string][]linkage.Pattern{}
	for rule, blocked := range md.Sessions {
		var vectors []linkage.Vector
		for i := range 20000 {
			probs := trueU
			if i%20 == 0 { // a 5% match share within the rule's blocks
				probs = trueM
			}
			v := make(linkage.Vector, len(probs))
			for f := range probs {
				v[f] = draw(probs[f])
			}
			for _, f := range blocked {
				v[f] = 0
			}
			vectors = append(vectors, v)
		}
		pats[rule] = linkage.Patterns(vectors)
	}
	init := initialParams(md, nil, nil, DefaultConfig().Match)
	for f := range init.U {
		init.U[f] = trueU[f] // as random pairs would give them
	}
	params := fitSessions(
		md,
		pats,
		init,
		linkage.EMConfig{MaxIterations: 500, Tolerance: 1e-7},
		100_000,
	)
	for f := range trueM {
		for l := range trueM[f] {
			if d := math.Abs(params.M[f][l] - trueM[f][l]); d > 0.05 {
				t.Errorf(
					"m[%s][%d] = %.3f, want %.3f",
					md.Fields[f],
					l,
					params.M[f][l],
					trueM[f][l],
				)
			}
		}
	}
	if params.Lambda != 1e-5 {
		t.Errorf("match share %g, want one over the accounts", params.Lambda)
	}
}

// TestSessionsLeaveEveryFieldFree checks that each field of a model fitted in sessions is left free
// by some rule, so that its m is fitted and not left at its starting value.
func TestSessionsLeaveEveryFieldFree(t *testing.T) {
	for _, md := range models {
		if md.Sessions == nil {
			continue
		}
		for f, name := range md.Fields {
			free := false
			for _, blocked := range md.Sessions {
				free = free || !slices.Contains(blocked, f)
			}
			if !free {
				t.Errorf("%s: field %s is blocked by every rule", md.Name, name)
			}
		}
	}
}

// TestPostShares places a post on the account that takes most of its candidates' odds: two
// accounts that fit it equally well share it and neither gets it; one that fits far better than
// another takes it; the last four digits and the city alone among a hundred thousand accounts do
// not suffice.
func TestPostShares(t *testing.T) {
	params := initialParams(postModel, nil, nil, DefaultConfig().Match)
	params.M = [][]float64{
		{0.97, 0.03},
		{0.95, 0.05},
		{0.3, 0.2, 0.1, 0.4},
		{0.3, 0.3, 0.1, 0.1, 0.2},
		{0.9, 0.1},
	}
	params.U = [][]float64{
		{0.0001, 0.9999},
		{0.06, 0.94},
		{0.001, 0.002, 0.003, 0.994},
		{0.00001, 0.001, 0.001, 0.03, 0.96799},
		{0.04, 0.96},
	}
	params.Lambda = 1e-5
	fit := &fitted{Params: []*linkage.Params{nil, params, nil}}
	const M = linkage.Missing
	share := func(vs ...linkage.Vector) float64 {
		var odds []float64
		sum := 0.0
		for _, v := range vs {
			_, o := fit.score(v, pair{Model: 1})
			odds, sum = append(odds, o), sum+o
		}
		return oneOfAccounts(odds[0], sum, 0.5)
	}
	strong := linkage.Vector{0, 0, 0, M, 0}      // all four digits shown, the name and the city
	lastAndCity := linkage.Vector{0, M, 3, M, 0} // the last four and the city, another name
	for _, tc := range []struct {
		name   string
		vs     []linkage.Vector
		placed bool
	}{
		{"one strong candidate", []linkage.Vector{strong}, true},
		{"strong against a weaker one", []linkage.Vector{strong, lastAndCity}, true},
		{"two equally strong", []linkage.Vector{strong, strong}, false},
		{"last four digits and city alone", []linkage.Vector{lastAndCity}, false},
	} {
		if got := share(tc.vs...); (got >= DefaultConfig().Match.Threshold) != tc.placed {
			t.Errorf("%s: share %.4f, want placed %v", tc.name, got, tc.placed)
		}
	}
}

// TestOwnerShare fits the share of weak records that have an owner: 7,000 records that fit an
// account far better than none and 3,000 that fit none far better give 0.7, and ten thousand
// records without evidence (summed odds of one) leave it there; records without evidence alone
// leave the even share, and twenty records that all fit an account move it only part of the way.
// A larger share places a record whose best account fits as well as before.
func TestOwnerShare(t *testing.T) {
	share := func(bins map[oddsBin]int) float64 {
		return ownerShare(func(b *oddsBin, n *int) bool {
			for k, v := range bins {
				*b, *n = k, v
				delete(bins, k)
				return true
			}
			return false
		})[1]
	}
	clear := map[oddsBin]int{oddsBinOf(1, 1<<12): 7000, oddsBinOf(1, 1.0/(1<<12)): 3000}
	if got := share(clear); math.Abs(got-0.7) > 0.002 {
		t.Errorf("owner share of 7,000 owned and 3,000 not: %.4f, want 0.7", got)
	}
	mixed := map[oddsBin]int{
		oddsBinOf(1, 1<<12):       7000,
		oddsBinOf(1, 1.0/(1<<12)): 3000,
		oddsBinOf(1, 1):           10000,
	}
	if got := share(mixed); math.Abs(got-0.7) > 0.002 {
		t.Errorf("with ten thousand records without evidence: %.4f, want 0.7", got)
	}
	if got := share(map[oddsBin]int{oddsBinOf(1, 1): 50}); got != 0.5 {
		t.Errorf("records without evidence only: %.4f, want 0.5", got)
	}
	if got := share(map[oddsBin]int{oddsBinOf(1, 1<<12): 20}); math.Abs(got-0.75) > 0.002 {
		t.Errorf("twenty owned records: %.4f, want 0.75", got)
	}
	if p, q := oneOfAccounts(12, 12, 0.5), oneOfAccounts(12, 12, 0.7); !(p < 0.95 && q >= 0.95) {
		t.Errorf(
			"odds 12, no other candidate: share %.3f at an even owner share, %.3f at 0.7; want "+
				"below and above 0.95",
			p,
			q,
		)
	}
}

// TestOwnerShareIsBitIdentical gives ownerShare one histogram in shuffled orders, a bin split
// in two, as the runner's bundles would: the share must come out the same to the last bit, as it
// goes to match_model.json and, through every post's score, to identity_map.
func TestOwnerShareIsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var bins []oddsBin
	var counts []int
	for bin := int32(-60); bin <= 60; bin++ {
		bins, counts = append(bins, oddsBin{Model: 1, Bin: bin}), append(counts, 1+rng.IntN(500))
	}
	share := func(order []int) float64 {
		i := 0
		return ownerShare(func(b *oddsBin, n *int) bool {
			if i == len(order) {
				return false
			}
			k := order[i]
			*b, *n = bins[k/2], counts[k/2]/2+k%2*(counts[k/2]%2)
			i++
			return true
		})[1]
	}
	order := make([]int, 2*len(bins)) // bin k/2, in two halves
	for i := range order {
		order[i] = i
	}
	want := share(order)
	for range 50 {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if got := share(order); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("owner share %v in one order, %v in another", want, got)
		}
	}
}

// TestDistinctPairsIgnoresOrder drains one weak record's pairs in every order of a shuffle: the
// pairs kept, one per account with the term frequencies merged, are the same each time.
func TestDistinctPairsIgnoresOrder(t *testing.T) {
	in := []pair{
		{
			Account:  "b",
			Vector:   "\x00\x01",
			NameFreq: 5,
		}, {Account: "a", Vector: "\x01\x01", HandleFreq: 3, Narrow: true},
		{
			Account:  "b",
			Vector:   "\x00\x01",
			NameFreq: 2,
			Narrow:   true,
		}, {Account: "a", Vector: "\x01\x00", Narrow: true},
		{Account: "c", Vector: "\x02\x02"},
	}
	drain := func(ps []pair) []pair {
		i := 0
		return distinctPairs(func(p *pair) bool {
			if i == len(ps) {
				return false
			}
			*p, i = ps[i], i+1
			return true
		})
	}
	want := drain(in)
	if len(want) != 3 || want[0].Vector != "\x01\x00" || want[0].HandleFreq != 3 ||
		!want[0].Narrow ||
		want[1].NameFreq != 2 ||
		want[1].Narrow {
		t.Fatalf("distinct pairs %+v", want)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		if got := drain(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("distinct pairs %+v in one order, %+v in another", want, got)
		}
	}
}

// TestPatternsOfRules keys the post model's fitting pairs by the wide rule that found them, and
// the ticket model's by none.
func TestPatternsOfRules(t *testing.T) {
	if got := fitRule(fitPrefix + "post/l4|1234"); got != "l4" {
		t.Errorf("fitRule = %q", got)
	}
	collect := func(key string, pairs ...pair) []string {
		var out []string
		patternsOf(key, func(p *pair) bool {
			if len(pairs) == 0 {
				return false
			}
			*p, pairs = pairs[0], pairs[1:]
			return true
		}, func(k string, _ int64) { out = append(out, k) })
		return out
	}
	v := vectorString(linkage.Vector{0, 1})
	if got := collect(fitPrefix+
		"l4/post:dianping:1", pair{Model: 1, Account: "account:1", Vector: v}); !slices.Equal(
		got,
		[]string{"1/l4/" + v},
	) {
		t.Errorf("post: %q", got)
	}
	if got := collect(fitPrefix+
		"ticket:t1", pair{Model: 0, Account: "account:1", Vector: v}); !slices.Equal(
		got,
		[]string{"0//" + v},
	) {
		t.Errorf("ticket: %q", got)
	}
	if got := collect("post:dianping:1", pair{Model: 1, Account: "account:1", Vector: v}); len(
		got,
	) != 0 {
		t.Errorf("a scored post's pairs counted for EM: %q", got)
	}
}

// TestLocalLevels tells the same e-mail local part, digits and all, from the same handle.
func TestLocalLevels(t *testing.T) {
	c := postModel.Comparators[postEmailLocal]
	post := func(nick string) string {
		return postCandidate(schemas.SitePost{PostID: "1", Nickname: nick}).Values[postEmailLocal]
	}
	account := func(email, name string) string {
		for _, a := range accountCandidates(schemas.User{UserID: "1", Email: email, Name: name}) {
			if a.Model == 1 {
				return a.Values[postEmailLocal]
			}
		}
		return ""
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{post("HuaPan120493"), account("huapan120493@sina.com", "奶茶不加糖"), levelLocal},
		{post("huapan"), account("huapan120493@sina.com", ""), levelLocalHandle},
		{post("huapan_93"), account("huapan120493@sina.com", ""), levelLocalHandle},
		{post("huapa"), account("huapan120493@sina.com", ""), 2},
		{post("wanglei88"), account("", "Wang Lei"), levelLocalHandle},
		{post("潘华"), account("huapan120493@sina.com", ""), linkage.Missing},
	} {
		if got := c.Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestSharedU measures the u of the same local part over the accounts: the pairs that share one,
// over all pairs, and keeps the field's u summing to one.
func TestSharedU(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	var users []schemas.User
	for i, email := range []string{"wanglei@qq.com", "wanglei@163.com", "wanglei@sina.com",
		"lihua@qq.com", "lihua@163.com", "x1@qq.com", ""} {
		users = append(users, schemas.User{UserID: fmt.Sprint(i), Email: email})
	}
	// wanglei: 3 accounts, 3 pairs; lihua: 2 accounts, 1 pair.
	passert.Equals(
		s,
		beam.ParDo(
			s,
			sharedString,
			sharedPairs(s, beam.ParDo(s, userCandidates, beam.CreateList(s, users))),
		),
		"1 4",
	)
	ptest.RunAndValidate(t, p)

	u := []float64{0.001, 0.009, 0.99}
	setSharedU(u, 4, 7)
	if want := 4.0 / 21; math.Abs(u[0]-want) > 1e-12 || math.Abs(u[0]+u[1]+u[2]-1) > 1e-12 ||
		math.Abs(u[1]/u[2]-0.009/0.99) > 1e-12 {
		t.Errorf("u = %v, want %.4f first and the rest in proportion", u, want)
	}
}

func sharedString(m int8, n int64) string { return fmt.Sprintf("%d %d", m, n) }

func init() {
	register.Function2x1(sharedString)
}
