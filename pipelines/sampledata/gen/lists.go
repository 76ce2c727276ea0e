package gen

// Word lists the generator draws from. All of it is made up for the sample, common enough to
// encode in GBK.

// hanzi is a Chinese character or syllable with its pinyin, for e-mail local parts and nicknames.
type hanzi struct{ han, pinyin string }

// surnames, most common first (pickSkewed favours the head).
var surnames = []hanzi{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
	{"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"},
	{"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"},
	{"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"}, {"宋", "song"},
	{"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"}, {"曹", "cao"},
	{"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"}, {"袁", "yuan"},
	{"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"余", "yu"}, {"杜", "du"},
	{"叶", "ye"}, {"程", "cheng"}, {"苏", "su"}, {"魏", "wei"}, {"吕", "lv"}, {"丁", "ding"},
	{"任", "ren"}, {"沈", "shen"}, {"姚", "yao"}, {"卢", "lu"}, {"欧阳", "ouyang"}, {"上官", "shangguan"},
}

// givenFemale and givenMale are characters of given names.
var givenFemale = []hanzi{
	{"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"艳", "yan"},
	{"娟", "juan"}, {"霞", "xia"}, {"婷", "ting"}, {"雪", "xue"}, {"慧", "hui"}, {"琳", "lin"},
	{"颖", "ying"}, {"欣", "xin"}, {"怡", "yi"}, {"雅", "ya"}, {"倩", "qian"}, {"佳", "jia"},
	{"梦", "meng"}, {"悦", "yue"}, {"晨", "chen"}, {"诗", "shi"}, {"涵", "han"}, {"萱", "xuan"},
	{"玲", "ling"}, {"秀", "xiu"}, {"红", "hong"}, {"燕", "yan"}, {"月", "yue"}, {"思", "si"},
}

var givenMale = []hanzi{
	{"伟", "wei"}, {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"},
	{"杰", "jie"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"刚", "gang"}, {"平", "ping"},
	{"辉", "hui"}, {"鹏", "peng"}, {"浩", "hao"}, {"宇", "yu"}, {"轩", "xuan"}, {"博", "bo"},
	{"文", "wen"}, {"斌", "bin"}, {"凯", "kai"}, {"鑫", "xin"}, {"俊", "jun"}, {"峰", "feng"},
	{"建", "jian"}, {"国", "guo"}, {"志", "zhi"}, {"华", "hua"}, {"晨", "chen"}, {"子", "zi"},
}

// cuteNicknames are handles unrelated to the person's name.
var cuteNicknames = []string{
	"爱吃鱼的猫", "快乐的小鱼", "奶茶不加糖", "夏天的风", "追风少年", "小确幸", "今天也要加油",
	"一只小可爱", "吃货一枚", "月亮不睡我不睡", "柠檬精", "慢慢来", "小太阳", "星星点灯",
	"不想上班", "橘子汽水", "旅行的意义", "咸鱼翻身", "momo", "Sunny", "Lucky_Star", "abc小店主",
}

// city is a city with its province and tier (1 largest to 5 smallest).
type city struct {
	name, province string
	tier           int
}

// cities by tier; tier shares are set in cityTierWeights.
var cities = [][]city{
	{{"北京", "北京", 1}, {"上海", "上海", 1}, {"广州", "广东", 1}, {"深圳", "广东", 1}},
	{{"杭州", "浙江", 2}, {"成都", "四川", 2}, {"重庆", "重庆", 2}, {"武汉", "湖北", 2}, {"南京", "江苏", 2},
		{"西安", "陕西", 2}, {"苏州", "江苏", 2}, {"天津", "天津", 2}, {"长沙", "湖南", 2}, {"郑州", "河南", 2},
		{"东莞", "广东", 2}, {"青岛", "山东", 2}, {"宁波", "浙江", 2}, {"合肥", "安徽", 2}, {"佛山", "广东", 2},
		{"厦门", "福建", 2}, {"济南", "山东", 2}, {"昆明", "云南", 2}, {"沈阳", "辽宁", 2}, {"大连", "辽宁", 2}},
	{{"温州", "浙江", 3}, {"石家庄", "河北", 3}, {"南宁", "广西", 3}, {"贵阳", "贵州", 3}, {"南昌", "江西", 3},
		{"太原", "山西", 3}, {"泉州", "福建", 3}, {"徐州", "江苏", 3}, {"烟台", "山东", 3}, {"兰州", "甘肃", 3}},
	{{"绵阳", "四川", 4}, {"赣州", "江西", 4}, {"桂林", "广西", 4}, {"芜湖", "安徽", 4}, {"襄阳", "湖北", 4},
		{"宜昌", "湖北", 4}},
	{{"丽江", "云南", 5}, {"天水", "甘肃", 5}, {"延安", "陕西", 5}, {"六安", "安徽", 5}},
}

// cityTierWeights is the share of persons per city tier.
var cityTierWeights = []float64{0.33, 0.36, 0.16, 0.10, 0.05}

// municipalities are written without 省 but may take 市.
var municipalities = map[string]bool{"北京": true, "上海": true, "天津": true, "重庆": true}

// mobilePrefixes are the first three digits of persons' phones: ranges libphonenumber accepts as CN
// mobiles (checked in the tests).
var mobilePrefixes = []string{
	"138", "139", "135", "136", "150", "151", "158", "186", "188", "199", "133", "153", "177", "180",
	"181", "189", "191",
}

// strangerPrefixes are valid mobile prefixes no person uses: vendor rows with them match nobody.
var strangerPrefixes = []string{"137", "152", "187"}

// testPhones are the phones QA uses on test accounts (they are in the rules of sources.yaml).
var testPhones = []string{"13800000000", "13900000000"}

// emailDomains with their share of persons.
var emailDomains = []string{
	"qq.com",
	"163.com",
	"126.com",
	"gmail.com",
	"sina.com",
	"hotmail.com",
	"outlook.com",
	"foxmail.com",
	"sohu.com",
	"yeah.net",
}
var emailDomainWeights = []float64{40, 20, 8, 6, 5, 5, 5, 5, 3, 3}

// User agents of real clients, per device kind.
var (
	uaIOSApp = []string{
		"ShopApp/8.12.0 (iPhone; iOS 17.5.1; Scale/3.00)",
		"ShopApp/8.11.2 (iPhone; iOS 16.7.8; Scale/3.00)",
		"ShopApp/8.12.0 (iPad; iOS 17.4; Scale/2.00)",
	}
	uaAndroidApp = []string{
		"Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, " +
			"like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 ShopApp/8.12.0",
		"Mozilla/5.0 (Linux; Android 13; 22081212C Build/TKQ1.220829.002; wv) AppleWebKit/537.36 " +
			"(KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile Safari/537.36 ShopApp/8.11.2",
		"Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 (KHTML, " +
			"like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 ShopApp/8.10.0",
	}
	uaMini = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
			"Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN miniProgram",
		"Mozilla/5.0 (Linux; Android 13; PGT-AN10 Build/HONORPGT-AN10; wv) AppleWebKit/537.36 (KHTML, " +
			"like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110053 " +
			"MMWEBSDK/20231002 MicroMessenger/8.0.43.2480(0x28002B37) WeChat/arm64 Weixin NetType/5G " +
			"Language/zh_CN miniProgram",
	}
	uaWebPC = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
			"Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 " +
			"Safari/537.36 SE 2.X MetaSr 1.0",
	}
	uaWebMobile = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
			"Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; U; Android 13; zh-cn; PHB110 Build/TP1A.220905.001) AppleWebKit/537.36 " +
			"(KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.6 Mobile Safari/537.36",
	}
	// uaBots are crawlers and scripts; each matches a bot_user_agents rule of sources.yaml.
	uaBots = []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
		"python-requests/2.31.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"HeadlessChrome/120.0.6099.109 Safari/537.36",
		"curl/8.0.1",
		"Scrapy/2.11.0 (+https://scrapy.org)",
		"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	}
)

// interestTags are the vendor's interest labels.
var interestTags = []string{
	"美妆", "护肤", "数码", "游戏", "母婴", "育儿", "美食", "烘焙", "旅游", "健身", "跑步", "宠物",
	"家居", "汽车", "理财", "二次元", "摄影", "音乐", "电影", "阅读", "时尚", "穿搭", "户外", "茶饮",
}

// topInterests maps a top category to the interest tags its buyers tend to have.
var topInterests = map[string][]string{
	"美妆": {"美妆", "护肤", "时尚"}, "服饰": {"时尚", "穿搭"}, "数码": {"数码", "游戏", "摄影"},
	"食品": {"美食", "烘焙", "茶饮"}, "母婴": {"母婴", "育儿"}, "家居": {"家居", "烘焙"},
	"运动": {"健身", "跑步", "户外"}, "图书": {"阅读", "电影", "二次元"},
}

// ageBands and incomeBands of the vendor feed.
var (
	ageBands    = []string{"18-24", "25-34", "35-44", "45-54", "55+"}
	incomeBands = []string{"低", "中低", "中", "中高", "高"}
)
