package resolve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// TestSelfCandidate prepares accounts for the account model: the handle comes from the e-mail,
// else from an ASCII name, and initials are too short to be one.
func TestSelfCandidate(t *testing.T) {
	c := selfCandidate(schemas.User{UserID: "1", Name: "王 静", Email: "wang_jing88@qq.com", BirthYear: 1990, Gender: "female", City: "杭州市", RegistrationChannel: "app"})
	if want := []string{"王静", "wangjing", "1990", "female", "杭州", "app"}; !reflect.DeepEqual(c.Values, want) {
		t.Errorf("values %q, want %q", c.Values, want)
	}
	if want := []string{"account/n|王静", "account/h|wangjing"}; !reflect.DeepEqual(c.Blocks, want) || !c.Weak || c.Key != "account:1" {
		t.Errorf("candidate %+v, want blocks %q", c, want)
	}
	c = selfCandidate(schemas.User{UserID: "2", Name: "ZhangWei23", Email: "zw@163.com"})
	if c.Values[1] != "zhangwei" || c.Values[2] != "" {
		t.Errorf("handle from the name: %q", c.Values)
	}
	if c = selfCandidate(schemas.User{UserID: "3", Email: "zw@163.com"}); len(c.Blocks) != 0 {
		t.Errorf("initials blocked: %q", c.Blocks)
	}
}

// TestAccountEvidence links accounts only on an exact name or handle together with the same
// stated birth year and city.
func TestAccountEvidence(t *testing.T) {
	a := selfCandidate(schemas.User{UserID: "1", Name: "欧阳娜娜", BirthYear: 1990, City: "杭州", Gender: "female"})
	for name, tc := range map[string]struct {
		u    schemas.User
		want bool
	}{
		"name, year and city":   {schemas.User{UserID: "2", Name: "欧阳娜娜", BirthYear: 1990, City: "杭州市"}, true},
		"handle, year and city": {schemas.User{UserID: "2", Name: "小可爱", Email: "x@qq.com", BirthYear: 1990, City: "杭州"}, false},
		"another year":          {schemas.User{UserID: "2", Name: "欧阳娜娜", BirthYear: 1991, City: "杭州"}, false},
		"no year":               {schemas.User{UserID: "2", Name: "欧阳娜娜", City: "杭州"}, false},
		"no name":               {schemas.User{UserID: "2", BirthYear: 1990, City: "杭州"}, false},
	} {
		b := selfCandidate(tc.u)
		if got := accountModel.evident(compare(&a, &b)); got != tc.want {
			t.Errorf("%s: evident %v, want %v (vector %v)", name, got, tc.want, compare(&a, &b))
		}
	}
}

// TestAccountModelEM fits the account model on vectors drawn from known m and u without labels,
// starting from random-pair u, and checks that EM finds them back and ranks the vectors as they
// should: name, year and city alike is a match, the name alone is not.
func TestAccountModelEM(t *testing.T) {
	md := accountModel
	trueM := [][]float64{{0.6, 0.4}, {0.5, 0.1, 0.4}, {0.85, 0.1, 0.05}, {0.95, 0.05}, {0.9, 0.1}, {0.6, 0.4}}
	trueU := [][]float64{{0.3, 0.7}, {0.2, 0.05, 0.75}, {0.03, 0.06, 0.91}, {0.5, 0.5}, {0.05, 0.95}, {0.4, 0.6}}
	rng := rand.New(rand.NewPCG(7, 11))
	draw := func(p []float64) int8 {
		x := rng.Float64()
		for l, q := range p {
			if x -= q; x < 0 {
				return int8(l)
			}
		}
		return int8(len(p) - 1)
	}
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
				t.Errorf("m[%s][%d] = %.3f, want %.3f", md.Fields[f], l, params.M[f][l], trueM[f][l])
			}
		}
	}
	if _, p := params.Score(linkage.Vector{0, linkage.Missing, 0, 0, 0, 0}); p < 0.95 {
		t.Errorf("name, year, gender, city and channel alike score %.3f", p)
	}
	if _, p := params.Score(linkage.Vector{0, linkage.Missing, 2, 1, 1, 1}); p > 0.05 {
		t.Errorf("the name alone scores %.3f", p)
	}
}

// TestResolveSecondAccounts joins second accounts that share nothing with the first but a rare
// name, the birth year and the city, and leaves apart namesakes born in other years or living
// elsewhere, and accounts named like more than max_account_block others.
func TestResolveSecondAccounts(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	user := func(uid, name string, year int32, city string) schemas.User {
		return schemas.User{UserID: uid, Name: name, BirthYear: year, City: city, Gender: "female", RegistrationChannel: "app"}
	}
	surnames, given := []rune("王李张刘陈杨赵黄"), []rune("芳娜敏静丽艳娟霞婷雪")
	cities := []string{"杭州", "成都", "北京", "广州", "西安"}
	var rows []any
	owner := map[string]string{}
	add := func(u schemas.User, person string) {
		rows = append(rows, u)
		owner["account:"+u.UserID] = "account:" + person
	}
	for i := range 60 {
		name := string(surnames[i%len(surnames)]) + string(given[i/len(surnames)%len(given)]) + string(given[i%len(given)])
		year, city := int32(1960+i%40), cities[i%len(cities)]
		a, b := fmt.Sprintf("a%02d", i), fmt.Sprintf("b%02d", i)
		switch {
		case i < 20: // one person's two accounts
			add(user(a, name, year, city), a)
			add(user(b, name+" ", year, city+"市"), a)
		case i < 40: // namesakes born in other years
			add(user(a, name, year, city), a)
			add(user(b, name, year+5, city), b)
		default: // namesakes in other cities
			add(user(a, name, year, city), a)
			add(user(b, name, year, cities[(i+1)%len(cities)]), b)
		}
	}
	for i := range DefaultConfig().Match.MaxAccountBlock + 1 {
		add(user(fmt.Sprintf("m%02d", i), "橘子汽水", 2000, "上海"), fmt.Sprintf("m%02d", i))
	}
	out := night(s, rows, nil, nil)
	var want []string
	for key, person := range owner {
		want = append(want, pairString(key, newID(person)))
	}
	passert.EqualsList(s, beam.ParDo(s, pairString, out.Identity), want)
	ptest.RunAndValidate(t, p)
}
