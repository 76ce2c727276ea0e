package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// leaf is a category at the third level with what it sells and its price range in yuan.
type leaf struct {
	path   string // 美妆/护肤/面霜
	nouns  []string
	specs  []string
	lo, hi int
}

// topCategory is a first-level category with its leaves and brands.
type topCategory struct {
	name   string
	leaves []leaf
	brands []string
}

// categoryTree is the catalog's shape: 8 top categories, 3 levels deep.
var categoryTree = []topCategory{
	{"美妆", []leaf{
		{"美妆/护肤/面霜", []string{"保湿面霜", "修护面霜", "抗皱面霜"}, []string{"50ml", "30ml", "礼盒装"}, 80, 900},
		{
			"美妆/护肤/精华",
			[]string{"精华液", "小棕瓶精华", "烟酰胺精华"},
			[]string{"30ml", "50ml", "100ml"},
			120,
			1200,
		},
		{"美妆/彩妆/口红", []string{"丝绒口红", "水光唇釉", "哑光口红"}, []string{"3.5g", "限定色", "礼盒装"}, 79, 420},
		{"美妆/彩妆/粉底", []string{"粉底液", "气垫BB霜", "遮瑕膏"}, []string{"30ml", "15g", "自然色"}, 99, 600},
		{"美妆/个护/洗发", []string{"洗发水", "护发素", "发膜"}, []string{"500ml", "750ml", "家庭装"}, 29, 160},
	}, []string{"兰蔻", "雅诗兰黛", "欧莱雅", "资生堂", "完美日记", "花西子", "珀莱雅", "自然堂"}},
	{"服饰", []leaf{
		{"服饰/女装/连衣裙", []string{"碎花连衣裙", "针织连衣裙", "法式长裙"}, []string{"S码", "M码", "L码"}, 99, 699},
		{"服饰/女装/卫衣", []string{"连帽卫衣", "加绒卫衣", "宽松卫衣"}, []string{"M码", "L码", "XL码"}, 79, 399},
		{"服饰/男装/T恤", []string{"纯棉T恤", "短袖T恤", "长袖T恤"}, []string{"L码", "XL码", "XXL码"}, 39, 199},
		{"服饰/男装/夹克", []string{"休闲夹克", "羽绒服", "棉服"}, []string{"L码", "XL码", "均码"}, 199, 1599},
		{"服饰/鞋靴/靴子", []string{"切尔西靴", "雪地靴", "马丁靴"}, []string{"37码", "39码", "42码"}, 159, 899},
	}, []string{"优衣库", "ZARA", "太平鸟", "森马", "海澜之家", "波司登", "UR", "江南布衣"}},
	{"数码", []leaf{
		{
			"数码/手机/智能手机",
			[]string{"5G手机", "折叠屏手机", "拍照手机"},
			[]string{"256GB", "512GB", "12+256GB"},
			1499,
			8999,
		},
		{
			"数码/电脑/笔记本",
			[]string{"轻薄笔记本", "游戏本", "二合一平板电脑"},
			[]string{"16G+512G", "32G+1T", "14英寸"},
			2999,
			12999,
		},
		{"数码/配件/耳机", []string{"蓝牙耳机", "降噪耳机", "头戴式耳机"}, []string{"白色", "黑色", "标准版"}, 99, 1999},
		{"数码/配件/充电器", []string{"快充充电器", "充电宝", "数据线"}, []string{"65W", "20000mAh", "1米"}, 29, 299},
		{
			"数码/智能设备/手表",
			[]string{"智能手表", "运动手环", "儿童手表"},
			[]string{"46mm", "标准版", "NFC版"},
			199,
			2999,
		},
	}, []string{"华为", "小米", "苹果", "OPPO", "vivo", "联想", "荣耀", "漫步者"}},
	{"食品", []leaf{
		{"食品/零食/坚果", []string{"每日坚果", "碧根果", "夏威夷果"}, []string{"750g", "30袋装", "礼盒装"}, 29, 169},
		{"食品/零食/饼干", []string{"苏打饼干", "曲奇饼干", "夹心饼干"}, []string{"500g", "1kg", "家庭装"}, 15, 79},
		{"食品/饮料/咖啡", []string{"挂耳咖啡", "速溶咖啡", "冻干咖啡"}, []string{"20杯", "48条", "100g"}, 39, 199},
		{"食品/饮料/茶叶", []string{"西湖龙井", "铁观音", "普洱茶饼"}, []string{"250g", "357g", "礼盒装"}, 59, 699},
		{"食品/生鲜/水果", []string{"赣南脐橙", "阳光玫瑰葡萄", "烟台苹果"}, []string{"5斤", "10斤", "精品装"}, 29, 159},
	}, []string{"三只松鼠", "良品铺子", "百草味", "雀巢", "农夫山泉", "伊利", "蒙牛", "奥利奥"}},
	{"母婴", []leaf{
		{
			"母婴/奶粉/婴儿奶粉",
			[]string{"婴儿配方奶粉", "幼儿成长奶粉"},
			[]string{"1段 800g", "2段 800g", "3段 800g"},
			199,
			499,
		},
		{"母婴/尿裤/纸尿裤", []string{"纸尿裤", "拉拉裤"}, []string{"M码 60片", "L码 52片", "XL码 44片"}, 79, 219},
		{"母婴/玩具/益智玩具", []string{"积木", "拼图", "早教机"}, []string{"3岁+", "6岁+", "礼盒装"}, 49, 399},
		{
			"母婴/童装/套装",
			[]string{"儿童卫衣套装", "婴儿连体衣", "儿童羽绒服"},
			[]string{"100cm", "120cm", "140cm"},
			69,
			499,
		},
	}, []string{"飞鹤", "爱他美", "帮宝适", "花王", "好奇", "贝亲", "巴拉巴拉", "babycare"}},
	{"家居", []leaf{
		{"家居/家纺/四件套", []string{"纯棉四件套", "蚕丝被", "乳胶枕"}, []string{"1.5m床", "1.8m床", "标准款"}, 149, 999},
		{"家居/厨具/炒锅", []string{"不粘炒锅", "铸铁锅", "电饭煲"}, []string{"30cm", "32cm", "4L"}, 99, 699},
		{"家居/收纳/收纳箱", []string{"收纳箱", "衣物收纳袋", "桌面收纳盒"}, []string{"3个装", "大号", "加厚款"}, 19, 119},
		{"家居/家电/空气炸锅", []string{"空气炸锅", "电热水壶", "加湿器"}, []string{"5L", "1.7L", "4L"}, 129, 799},
	}, []string{"罗莱", "富安娜", "苏泊尔", "九阳", "美的", "无印良品", "小熊", "网易严选"}},
	{"运动", []leaf{
		{
			"运动/运动鞋/跑步鞋",
			[]string{"缓震跑步鞋", "竞速跑鞋", "休闲运动鞋"},
			[]string{"40码", "42码", "38码"},
			299,
			1299,
		},
		{"运动/运动服/运动T恤", []string{"速干T恤", "运动背心", "运动短裤"}, []string{"M码", "L码", "XL码"}, 59, 399},
		{"运动/健身/瑜伽垫", []string{"瑜伽垫", "哑铃", "弹力带"}, []string{"6mm", "10kg", "套装"}, 39, 299},
		{"运动/户外/冲锋衣", []string{"冲锋衣", "登山包", "帐篷"}, []string{"L码", "40L", "双人"}, 199, 1599},
	}, []string{"耐克", "阿迪达斯", "李宁", "安踏", "特步", "361度", "迪卡侬", "探路者"}},
	{"图书", []leaf{
		{"图书/文学/小说", []string{"长篇小说", "短篇小说集", "悬疑小说"}, []string{"精装版", "平装版", "典藏版"}, 19, 89},
		{"图书/童书/绘本", []string{"儿童绘本", "科普绘本", "拼音读物"}, []string{"全10册", "精装", "注音版"}, 29, 199},
		{"图书/社科/历史", []string{"中国通史", "世界史", "人物传记"}, []string{"精装版", "全3册", "修订版"}, 39, 199},
		{
			"图书/教育/考试",
			[]string{"考研真题", "英语四级词汇", "公务员考试教材"},
			[]string{"2027版", "全套", "附赠视频"},
			29,
			149,
		},
	}, []string{"人民文学出版社", "中信出版社", "机械工业出版社", "新星出版社", "接力出版社", "商务印书馆"}},
}

// titleModifiers make product titles look like a marketplace's.
var titleModifiers = []string{"", "新款", "经典款", "2026秋冬", "爆款", "升级版", "官方正品", "限量"}

// Product is one catalog entry as the generator knows it.
type Product struct {
	SKU      string // SKU0001234
	Title    string // Chinese title: brand, modifier, product, spec
	Top      int    // index into categoryTree
	Path     string // category path, 美妆/护肤/面霜
	Brand    string // brand or publisher
	PriceFen int64  // list price in fen when the window starts
	// NewFen is the list price from PriceFrom on, when the price changes inside the window (0:
	// it does not).
	NewFen    int64
	PriceFrom time.Time
	row       int // index of the product's row in the initial load
}

// priceAt is the product's list price at t.
func (p *Product) priceAt(t time.Time) int64 {
	if p.NewFen > 0 && !t.Before(p.PriceFrom) {
		return p.NewFen
	}
	return p.PriceFen
}

// Catalog is the product catalog: all products and, per top category, the indexes of its products.
type Catalog struct {
	Products []Product // every product, in generation order
	ByTop    [][]int   // per top category, indexes into Products
	// Companion is, per product, the product bought with it in companionRate of the orders that
	// hold it (a face cream and its serum, a phone and its case), or -1: the baskets' planted
	// co-purchase pairs, which affinity analysis should find.
	Companion []int
	rows      []dated[ProductRow]
}

// Mess of the catalog.
const (
	productReplayRate   = 0.01  // products listed twice, an older version with another price
	productBadPriceRate = 0.003 // negative list price
	productWideRate     = 0.01  // full-width characters in the title
	priceChangeRate     = 0.02  // products whose list price changes on a day of the window
)

// catalogSize scales the catalog with the number of persons.
func catalogSize(persons int) int { return min(max(persons/5, 300), 20000) }

// NewCatalog makes the product catalog for the run: the initial load of the first day's export,
// each row last changed before the window, and the price changes exported on later days.
func NewCatalog(seed uint64, persons int, w Window) *Catalog {
	r := newRand(seed, streamCatalog, 0)
	n := catalogSize(persons)
	c := &Catalog{ByTop: make([][]int, len(categoryTree))}
	bits := idBits(n)
	for i := 0; i < n; i++ {
		top := r.IntN(len(categoryTree))
		tc := categoryTree[top]
		lf := pick(r, tc.leaves)
		brand := pick(r, tc.brands)
		title := brand + " " + pick(r, titleModifiers) + pick(r, lf.nouns) + " " + pick(r, lf.specs)
		if chance(r, productWideRate) {
			title = toFullWidth(title)
		}
		// Prices lean to the cheap end of the range and end in 9 as shops like them.
		u := r.Float64()
		yuan := lf.lo + int(u*u*float64(lf.hi-lf.lo))
		fen := int64(yuan/10*10+9)*100 + int64(pick(r, []int{0, 0, 0, 90, 50}))
		p := Product{
			SKU:      fmt.Sprintf("SKU%07d", permute(uint64(i), bits, seed)),
			Title:    title,
			Top:      top,
			Path:     lf.path,
			Brand:    brand,
			PriceFen: fen,
		}
		c.ByTop[top] = append(c.ByTop[top], i)
		c.Products = append(c.Products, p)
		updated := uniformTime(r, w.Start.AddDate(-1, 0, 0), w.Start)
		row := ProductRow{
			SkuID:        p.SKU,
			Title:        p.Title,
			CategoryPath: p.Path,
			Brand:        p.Brand,
			ListPrice:    yuanOf(fen),
			UpdateTime:   micros(updated),
		}
		if chance(r, productBadPriceRate) {
			row.ListPrice = -row.ListPrice
		}
		if chance(r, 0.02) {
			row.Brand = "" // brand not filled in
		}
		if chance(r, productReplayRate) {
			old := row
			old.ListPrice = yuanOf(fen + 1000)
			old.UpdateTime = micros(updated.AddDate(0, 0, -between(r, 10, 200)))
			c.rows = append(c.rows, dated[ProductRow]{0, old})
		}
		c.Products[i].row = len(c.rows)
		c.rows = append(c.rows, dated[ProductRow]{0, row})
	}
	c.changePrices(seed, w)
	c.pairCompanions(seed)
	return c
}

// companionRate is the share of the orders of a product with a companion that hold the
// companion too: the planted co-purchases.
const companionRate = 0.8

// pairCompanions gives the two best sellers of each top category (the head of ByTop, which
// pickProduct favours) a companion: one of the category's other best sellers, so that the pairs
// recur in enough baskets to be found at every scale. A companion has none of its own, so a best
// seller is in an order by its own pick only, and its rule's confidence is companionRate.
func (c *Catalog) pairCompanions(seed uint64) {
	r := newRand(seed, streamBaskets, 1<<40)
	c.Companion = make([]int, len(c.Products))
	for i := range c.Companion {
		c.Companion[i] = -1
	}
	for _, list := range c.ByTop {
		head := list[:min(len(list), max(4, len(list)/5))]
		if len(head) < 3 {
			continue
		}
		for _, i := range head[:2] {
			c.Companion[i] = head[2+r.IntN(len(head)-2)]
		}
	}
}

// mateRate is the share of an order's lines after the first that come from the first line's mate
// category (TopMate): the planted category affinities, frequent enough that every scale mines
// them, while single-line orders leave most buyers a mate category they have not bought.
const mateRate = 0.6

// topMates pairs the top categories bought together: beauty with clothing, electronics with home,
// food with mother-and-baby, sports with books.
var topMates = map[string]string{
	"美妆": "服饰", "服饰": "美妆", "数码": "家居", "家居": "数码",
	"食品": "母婴", "母婴": "食品", "运动": "图书", "图书": "运动",
}

// TopMate is the index of the top category bought with the given one, or -1.
func TopMate(top int) int {
	mate := topMates[categoryTree[top].name]
	for i, tc := range categoryTree {
		if tc.name == mate {
			return i
		}
	}
	return -1
}

// changePrices marks some products down or up on a later day of the window: their row is exported
// again that day with the new price and the time of the change. Orders placed from then on pay
// the new price.
func (c *Catalog) changePrices(seed uint64, w Window) {
	if w.Days < 2 {
		return
	}
	r := newRand(seed, streamChanges, 1<<40)
	for i := range c.Products {
		if !chance(r, priceChangeRate) {
			continue
		}
		p := &c.Products[i]
		day := 1 + r.IntN(w.Days-1)
		at := timeOnDay(r, w.Day(day))
		yuan := p.PriceFen * int64(pick(r, []int{70, 80, 85, 90, 110, 120})) / 10000
		fen := (yuan/10*10 + 9) * 100 // prices end in 9, as shops like them
		if fen == p.PriceFen {
			continue
		}
		p.NewFen, p.PriceFrom = fen, at
		row := c.rows[p.row]
		row.day, row.row.ListPrice, row.row.UpdateTime = day, yuanOf(fen), micros(at)
		c.rows = append(c.rows, row)
	}
}

// pickProduct returns a product index from the top category, popular products more often.
func (c *Catalog) pickProduct(r *rand.Rand, top int) int {
	list := c.ByTop[top]
	if len(list) == 0 {
		return r.IntN(len(c.Products))
	}
	// Half the picks are uniform, half favour the head of the list (the catalog's best sellers).
	u := r.Float64()
	if chance(r, 0.5) {
		u *= u
	}
	return list[int(u*float64(len(list)))]
}

// pickFor returns a product a person would look at: mostly from their favourite categories.
func (c *Catalog) pickFor(r *rand.Rand, favTops []int) int {
	if len(favTops) > 0 && chance(r, 0.75) {
		return c.pickProduct(r, pick(r, favTops))
	}
	return c.pickProduct(r, r.IntN(len(categoryTree)))
}

// yuanOf turns fen into a yuan amount with at most two decimals.
func yuanOf(fen int64) float64 { return float64(fen) / 100 }

// toFullWidth turns ASCII letters, digits and @ . into their full-width forms.
func toFullWidth(s string) string {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		if c > ' ' && c < 0x7f {
			c += 0xFEE0
		}
		out = append(out, c)
	}
	return string(out)
}
