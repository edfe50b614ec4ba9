/** Segment V2 e-commerce spec: event names and typed property shapes. */

export const ECOMMERCE_EVENTS = {
  productsSearched: 'Products Searched',
  productListViewed: 'Product List Viewed',
  productListFiltered: 'Product List Filtered',
  promotionViewed: 'Promotion Viewed',
  promotionClicked: 'Promotion Clicked',
  productClicked: 'Product Clicked',
  productViewed: 'Product Viewed',
  productAdded: 'Product Added',
  productRemoved: 'Product Removed',
  cartViewed: 'Cart Viewed',
  checkoutStarted: 'Checkout Started',
  checkoutStepViewed: 'Checkout Step Viewed',
  checkoutStepCompleted: 'Checkout Step Completed',
  paymentInfoEntered: 'Payment Info Entered',
  orderCompleted: 'Order Completed',
  orderUpdated: 'Order Updated',
  orderRefunded: 'Order Refunded',
  orderCancelled: 'Order Cancelled',
  couponEntered: 'Coupon Entered',
  couponApplied: 'Coupon Applied',
  couponDenied: 'Coupon Denied',
  couponRemoved: 'Coupon Removed',
  productAddedToWishlist: 'Product Added to Wishlist',
  productRemovedFromWishlist: 'Product Removed from Wishlist',
  wishlistProductAddedToCart: 'Wishlist Product Added to Cart',
  productShared: 'Product Shared',
  cartShared: 'Cart Shared',
  productReviewed: 'Product Reviewed',
} as const;

export type EcommerceEventName = (typeof ECOMMERCE_EVENTS)[keyof typeof ECOMMERCE_EVENTS];

export interface Product {
  product_id?: string;
  sku?: string;
  category?: string;
  name?: string;
  brand?: string;
  variant?: string;
  price?: number;
  quantity?: number;
  coupon?: string;
  position?: number;
  url?: string;
  image_url?: string;
  [key: string]: unknown;
}

export interface ProductListProperties {
  list_id?: string;
  category?: string;
  products?: Product[];
  [key: string]: unknown;
}

export interface ProductsSearchedProperties { query: string; [key: string]: unknown }

export interface PromotionProperties {
  promotion_id?: string;
  creative?: string;
  name?: string;
  position?: string;
  [key: string]: unknown;
}

export interface CartProperties { cart_id?: string; products?: Product[]; [key: string]: unknown }

export interface CheckoutProperties {
  order_id?: string;
  checkout_id?: string;
  affiliation?: string;
  value?: number;
  revenue?: number;
  shipping?: number;
  tax?: number;
  discount?: number;
  coupon?: string;
  currency?: string;
  products?: Product[];
  [key: string]: unknown;
}

export interface CheckoutStepProperties {
  checkout_id?: string;
  step?: number;
  shipping_method?: string;
  payment_method?: string;
  [key: string]: unknown;
}

export interface OrderProperties {
  order_id: string;
  checkout_id?: string;
  affiliation?: string;
  subtotal?: number;
  total?: number;
  revenue?: number;
  shipping?: number;
  tax?: number;
  discount?: number;
  coupon?: string;
  currency?: string;
  products?: Product[];
  [key: string]: unknown;
}

export interface CouponProperties {
  order_id?: string;
  cart_id?: string;
  coupon_id?: string;
  coupon_name?: string;
  discount?: number;
  reason?: string;
  [key: string]: unknown;
}
