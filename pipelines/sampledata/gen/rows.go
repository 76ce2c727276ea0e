package gen

// Parquet rows of the platform export, column names as in sources.yaml. Optional columns write a
// null for the zero value; timestamps are TIMESTAMP(MICROS) adjusted to UTC; money is float64 yuan.

// UserRow is one row of platform/users: an account.
type UserRow struct {
	UID            string `parquet:"uid"`
	Mobile         string `parquet:"mobile,optional"`
	Email          string `parquet:"email,optional"`
	NickName       string `parquet:"nick_name,optional"`
	Gender         string `parquet:"gender"` // M, F, 男, 女, unknown or empty
	Birthday       string `parquet:"birthday,optional"`
	Age            int32  `parquet:"age,optional"`
	City           string `parquet:"city,optional"`
	Province       string `parquet:"province,optional"`
	RegChannel     string `parquet:"reg_channel,optional"`
	RegTime        int64  `parquet:"reg_time,timestamp(microsecond)"`
	UpdateTime     int64  `parquet:"update_time,timestamp(microsecond)"`
	MarketingOptIn bool   `parquet:"marketing_opt_in"`
}

// OrderRow is one row of platform/orders: an order header.
type OrderRow struct {
	OrderNo        string  `parquet:"order_no"`
	UID            string  `parquet:"uid"`
	OrderStatus    string  `parquet:"order_status"`
	Platform       string  `parquet:"platform,optional"`
	CreateTime     int64   `parquet:"create_time,timestamp(microsecond)"`
	PayTime        int64   `parquet:"pay_time,optional,timestamp(microsecond)"`
	PayAmount      float64 `parquet:"pay_amount"`
	DiscountAmount float64 `parquet:"discount_amount"`
	RefundAmount   float64 `parquet:"refund_amount"`
	CouponCode     string  `parquet:"coupon_code,optional"`
	UpdateTime     int64   `parquet:"update_time,timestamp(microsecond)"`
}

// OrderItemRow is one row of platform/order_items: an order line.
type OrderItemRow struct {
	OrderNo   string  `parquet:"order_no"`
	LineNo    int32   `parquet:"line_no"`
	SkuID     string  `parquet:"sku_id"`
	Qty       int32   `parquet:"qty"`
	UnitPrice float64 `parquet:"unit_price"`
}

// ProductRow is one row of platform/products: a catalog entry.
type ProductRow struct {
	SkuID        string  `parquet:"sku_id"`
	Title        string  `parquet:"title"`
	CategoryPath string  `parquet:"category_path"`
	Brand        string  `parquet:"brand,optional"`
	ListPrice    float64 `parquet:"list_price"`
	UpdateTime   int64   `parquet:"update_time,timestamp(microsecond)"`
}
