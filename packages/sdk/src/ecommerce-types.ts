import type {
  CartProperties,
  CheckoutProperties,
  CheckoutStepProperties,
  CouponProperties,
  ECOMMERCE_EVENTS,
  OrderProperties,
  Product,
  ProductListProperties,
  ProductsSearchedProperties,
  PromotionProperties,
} from '@portrait/protocol';
import type { CallOptions } from './types';

export type {
  CartProperties,
  CheckoutProperties,
  CheckoutStepProperties,
  CouponProperties,
  OrderProperties,
  Product,
  ProductListProperties,
  ProductsSearchedProperties,
  PromotionProperties,
};

export interface WishlistProperties extends Product {
  wishlist_id?: string;
  wishlist_name?: string;
}

export interface ShareProperties {
  share_via?: string;
  share_message?: string;
  recipient?: string;
  [key: string]: unknown;
}

export interface ProductReviewedProperties {
  product_id: string;
  review_id?: string;
  review_body?: string;
  rating?: number;
  [key: string]: unknown;
}

/** The properties each Segment V2 e-commerce helper takes. */
export interface EcommerceProperties {
  productsSearched: ProductsSearchedProperties;
  productListViewed: ProductListProperties;
  productListFiltered: ProductListProperties & {
    filters?: { type: string; value: string }[];
    sorts?: { type: string; value: string }[];
  };
  promotionViewed: PromotionProperties;
  promotionClicked: PromotionProperties;
  productClicked: Product;
  productViewed: Product & { currency?: string; value?: number };
  productAdded: Product & { cart_id?: string };
  productRemoved: Product & { cart_id?: string };
  cartViewed: CartProperties;
  checkoutStarted: CheckoutProperties;
  checkoutStepViewed: CheckoutStepProperties;
  checkoutStepCompleted: CheckoutStepProperties;
  paymentInfoEntered: CheckoutStepProperties & { order_id?: string };
  orderCompleted: OrderProperties;
  orderUpdated: OrderProperties;
  orderRefunded: OrderProperties;
  orderCancelled: OrderProperties;
  couponEntered: CouponProperties;
  couponApplied: CouponProperties;
  couponDenied: CouponProperties;
  couponRemoved: CouponProperties;
  productAddedToWishlist: WishlistProperties;
  productRemovedFromWishlist: WishlistProperties;
  wishlistProductAddedToCart: WishlistProperties & { cart_id?: string };
  productShared: Product & ShareProperties;
  cartShared: CartProperties & ShareProperties;
  productReviewed: ProductReviewedProperties;
}

/** One typed helper per Segment V2 e-commerce event (`orderCompleted` -> `Order Completed`). */
export type EcommerceHelpers = {
  [K in keyof typeof ECOMMERCE_EVENTS]: (properties: EcommerceProperties[K], options?: CallOptions) => void;
};
