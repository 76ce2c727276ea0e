package portrait

import (
	"fmt"

	"github.com/shopportraits/portraits/schemas"
)

// env is what adding facts and finishing portraits needs: the calendar, the rules and the catalog.
type env struct {
	clock
	rules        Rules
	purchaseTime string
	decay        decay
	products     map[string]product
}

// product is what the portraits use of a catalog row.
type product struct {
	category, brand string
	price           int64
}

// newEnv checks cfg (its defaults filled) and makes the environment over a catalog.
func newEnv(cfg Config, products map[string]product) (*env, error) {
	c, err := cfg.clock()
	if err != nil {
		return nil, err
	}
	return &env{
		clock:        c,
		rules:        cfg.Rules,
		purchaseTime: cfg.PurchaseTime,
		decay:        newDecay(cfg.Rules.HalfLifeDays),
		products:     products,
	}, nil
}

// catalog builds the SKU lookup of the products side input; of two rows of one SKU the later
// updated wins (schemas.Later), so the choice does not depend on the order rows arrive in.
func catalog(iter func(*schemas.Product) bool) map[string]product {
	rows := map[string]schemas.Product{}
	var p schemas.Product
	for iter(&p) {
		if old, ok := rows[p.SKU]; !ok || schemas.Later(p, old) {
			rows[p.SKU] = p
		}
	}
	out := make(map[string]product, len(rows))
	for sku, p := range rows {
		out[sku] = product{category: p.Category, brand: p.Brand, price: p.PriceFen}
	}
	return out
}

// sharedEnvs makes the facts' environment of each as-of day with the product catalog shared
// through entry, built from the products side input on first use.
func sharedEnvs(
	cfgs []Config,
	entry *sharedEntry,
	products func() func(*schemas.Product) bool,
) ([]*env, error) {
	p, _ := entry.get(func() (any, error) { return catalog(products()), nil })
	envs := make([]*env, len(cfgs))
	for i, c := range cfgs {
		e, err := newEnv(c, p.(map[string]product))
		if err != nil {
			return nil, err
		}
		envs[i] = e
	}
	return envs, nil
}

// checkConfigs checks the config of every as-of day (in a DoFn's Setup): a bad one fails the run.
func checkConfigs(cfgs []Config) error {
	if len(cfgs) == 0 {
		return fmt.Errorf("portrait: no as-of day")
	}
	for _, c := range cfgs {
		if _, err := newEnv(c, nil); err != nil {
			return err
		}
	}
	return nil
}
