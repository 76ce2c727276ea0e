package gen

// Parquet rows of the platform export, column names as in sources.yaml. Optional columns write a
// null for the zero value; timestamps are TIMESTAMP(MICROS) adjusted to UTC; money is float64 yuan.

// UserRow is one row of platform/users: an account.
type UserRow struct {
	UID            string `parquet:"uid"`                                // account id
	Mobile         string `parquet:"mobile,optional"`                    // phone as typed: 138..., +86..., spaced; null when none
	Email          string `parquet:"email,optional"`                     // e-mail as typed: case, spaces, full-width
	NickName       string `parquet:"nick_name,optional"`                 // display name
	Gender         string `parquet:"gender"`                             // M, F, 男, 女, unknown or empty (not null)
	Birthday       string `parquet:"birthday,optional"`                  // 1990-01-02, 1990/1/2 or 19900102
	Age            int32  `parquet:"age,optional"`                       // stated age; null when not stated, sometimes impossible
	City           string `parquet:"city,optional"`                      // city, with or without 市
	Province       string `parquet:"province,optional"`                  // province, with or without 省
	RegChannel     string `parquet:"reg_channel,optional"`               // app, ios, android, web, h5, 小程序 or mini
	RegTime        int64  `parquet:"reg_time,timestamp(microsecond)"`    // registration
	UpdateTime     int64  `parquet:"update_time,timestamp(microsecond)"` // last change of the row
	MarketingOptIn bool   `parquet:"marketing_opt_in"`                   // marketing consent
}

// OrderRow is one row of platform/orders: an order header.
type OrderRow struct {
	OrderNo        string  `parquet:"order_no"`                                 // order id
	UID            string  `parquet:"uid"`                                      // account that placed it
	OrderStatus    string  `parquet:"order_status"`                             // paid, completed, shipped, cancelled, refunded, created or unknown values
	Platform       string  `parquet:"platform,optional"`                        // app, web, mini, ios, android, h5, pc or 小程序
	CreateTime     int64   `parquet:"create_time,timestamp(microsecond)"`       // placed
	PayTime        int64   `parquet:"pay_time,optional,timestamp(microsecond)"` // paid; null when unpaid
	PayAmount      float64 `parquet:"pay_amount"`                               // yuan paid, rarely negative
	DiscountAmount float64 `parquet:"discount_amount"`                          // yuan of discount
	RefundAmount   float64 `parquet:"refund_amount"`                            // yuan refunded
	CouponCode     string  `parquet:"coupon_code,optional"`                     // coupon; null when none
	// UpdateTime is the time of the state the row shows: an order has a row per day it changed on.
	UpdateTime int64 `parquet:"update_time,timestamp(microsecond)"`
}

// OrderItemRow is one row of platform/order_items: an order line.
type OrderItemRow struct {
	OrderNo   string  `parquet:"order_no"`   // order, sometimes one missing from orders
	LineNo    int32   `parquet:"line_no"`    // 1-based line
	SkuID     string  `parquet:"sku_id"`     // product
	Qty       int32   `parquet:"qty"`        // units, rarely 0
	UnitPrice float64 `parquet:"unit_price"` // yuan per unit
}

// ProductRow is one row of platform/products: a catalog entry.
type ProductRow struct {
	SkuID        string  `parquet:"sku_id"`                             // product id
	Title        string  `parquet:"title"`                              // Chinese title, sometimes full-width
	CategoryPath string  `parquet:"category_path"`                      // 美妆/护肤/面霜
	Brand        string  `parquet:"brand,optional"`                     // brand; null when not filled in
	ListPrice    float64 `parquet:"list_price"`                         // yuan, rarely negative
	UpdateTime   int64   `parquet:"update_time,timestamp(microsecond)"` // last change; an older version is sometimes listed too
}
