/*
 * The demo shop's own logic: a cart in localStorage, checkout and order confirmation.
 * Portrait needs almost nothing from it: product views, list views, product clicks and
 * add/remove-to-cart come from the data-portrait-* attributes in the HTML; this file
 * only calls the typed e-commerce helpers (window.portrait.ecommerce) for the cart,
 * checkout and order, where the data lives in the shop's own storage.
 */
(function () {
  'use strict';
  var CART = 'shop.cart';
  var ORDER = 'shop.order';
  var CURRENCY = 'EUR';

  function read(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return v == null ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: the cart lives for this page only */
    }
  }
  /** Calls a Portrait e-commerce helper when the SDK loaded (a blocker may have stopped it). */
  function track(helper, props) {
    var p = window.portrait;
    if (p && p.ecommerce && p.ecommerce[helper]) p.ecommerce[helper](props);
  }
  function money(n) {
    return Math.round(n * 100) / 100;
  }
  function euros(n) {
    return '€' + n.toFixed(2);
  }
  function id(prefix) {
    return prefix + Date.now().toString(36).toUpperCase() + Math.random().toString(36).slice(2, 6).toUpperCase();
  }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function $(sel) {
    return document.querySelector(sel);
  }

  function cart() {
    var c = read(CART, null);
    if (!c || !Array.isArray(c.lines)) c = { id: id('C-'), lines: [] };
    return c;
  }
  function subtotal(c) {
    return money(c.lines.reduce(function (s, l) { return s + l.price * l.quantity; }, 0));
  }
  function count(c) {
    return c.lines.reduce(function (s, l) { return s + l.quantity; }, 0);
  }
  function products(c) {
    return c.lines.map(function (l, i) {
      return Object.assign({}, l, { position: i + 1 });
    });
  }
  function showCount() {
    var n = $('#cart-count');
    if (n) n.textContent = String(count(cart()));
  }

  /** The product an add-to-cart button stands for (its own JSON or the enclosing one). */
  function productOf(button) {
    var holder = button.hasAttribute('data-portrait-product') ? button : button.parentElement.closest('[data-portrait-product]');
    try {
      return JSON.parse(holder.getAttribute('data-portrait-product'));
    } catch (e) {
      return null;
    }
  }
  function quantityOf(button) {
    var q = button.getAttribute('data-portrait-quantity');
    var input = q && isNaN(+q) ? document.querySelector(q) : null;
    var n = Math.floor(input ? +input.value : +q || 1);
    return n > 0 ? Math.min(n, 99) : 1;
  }

  document.addEventListener('click', function (e) {
    var add = e.target.closest && e.target.closest('[data-portrait-add-to-cart]');
    if (add) {
      var p = productOf(add);
      if (!p) return;
      var c = cart();
      var line = c.lines.filter(function (l) { return l.product_id === p.product_id; })[0];
      var qty = quantityOf(add);
      if (line) line.quantity += qty;
      else c.lines.push(Object.assign({}, p, { quantity: qty }));
      write(CART, c);
      showCount();
      var added = $('#added');
      if (added) added.hidden = false;
    }
    var remove = e.target.closest && e.target.closest('[data-portrait-remove-from-cart]');
    if (remove) {
      var c2 = cart();
      var pid = remove.getAttribute('data-product-id');
      c2.lines = c2.lines.filter(function (l) { return l.product_id !== pid; });
      write(CART, c2);
      renderCart(c2);
      showCount();
    }
  });

  function renderCart(c) {
    var body = $('#lines tbody');
    body.textContent = '';
    c.lines.forEach(function (l) {
      var tr = el('tr');
      var name = el('td');
      name.appendChild(el('a', l.name, { href: l.url }));
      tr.appendChild(name);
      tr.appendChild(el('td', euros(l.price)));
      tr.appendChild(el('td', String(l.quantity)));
      var cell = el('td');
      cell.appendChild(el('button', 'Remove', {
        class: 'secondary',
        'data-portrait-remove-from-cart': '',
        'data-portrait-product': JSON.stringify(l),
        'data-product-id': l.product_id,
      }));
      tr.appendChild(cell);
      body.appendChild(tr);
    });
    $('#lines').hidden = !c.lines.length;
    $('#empty').hidden = !!c.lines.length;
    $('#checkout').hidden = !c.lines.length;
    $('#total').textContent = c.lines.length ? 'Subtotal ' + euros(subtotal(c)) : '';
  }

  function shippingCost(method, sub) {
    if (method === 'express') return 9.9;
    return sub >= 40 ? 0 : 4.9;
  }

  var page = document.body.getAttribute('data-page');
  showCount();

  if (page === 'home') {
    // The catalog: each card's add-to-cart button carries the product (data-portrait-product).
    var buttons = [].slice.call(document.querySelectorAll('#catalog [data-portrait-product]'));
    var listed = buttons.map(function (b, i) {
      return Object.assign(productOf(b) || {}, { position: i + 1 });
    });
    track('productListViewed', { list_id: 'catalog', category: 'All products', products: listed });
    document.getElementById('catalog').addEventListener('click', function (e) {
      var link = e.target.closest('a');
      var card = link && link.closest('li');
      var i = card ? [].indexOf.call(card.parentNode.children, card) : -1;
      if (i >= 0) track('productClicked', listed[i]);
    });
  }

  if (page === 'cart') {
    var c = cart();
    renderCart(c);
    track('cartViewed', { cart_id: c.id, products: products(c) });
  }

  if (page === 'checkout') {
    var cc = cart();
    var form = $('#checkout-form');
    var sub = subtotal(cc);
    var checkoutId = cc.id.replace('C-', 'K-');
    if (!cc.lines.length) {
      $('#total').textContent = 'Your cart is empty.';
      $('#place-order').disabled = true;
    } else {
      $('#total').textContent = 'Subtotal ' + euros(sub);
      track('checkoutStarted', { checkout_id: checkoutId, value: sub, revenue: sub, currency: CURRENCY, products: products(cc) });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!cc.lines.length) return;
      var method = form.elements.shipping.value;
      var shipping = shippingCost(method, sub);
      track('checkoutStepCompleted', { checkout_id: checkoutId, step: 1, shipping_method: method });
      track('paymentInfoEntered', { checkout_id: checkoutId, step: 2, payment_method: 'card' });
      if (window.portrait) window.portrait.identify(null, { email: form.elements.email.value, name: form.elements.name.value });
      var order = {
        order_id: id('O-'),
        checkout_id: checkoutId,
        affiliation: 'Portrait Shop',
        subtotal: sub,
        shipping: shipping,
        tax: money(sub - sub / 1.2),
        discount: 0,
        total: money(sub + shipping),
        revenue: sub,
        currency: CURRENCY,
        products: products(cc),
      };
      write(ORDER, { order: order, reported: false });
      write(CART, { id: id('C-'), lines: [] });
      location.href = 'order.html';
    });
  }

  if (page === 'order') {
    var saved = read(ORDER, null);
    if (saved && saved.order) {
      var o = saved.order;
      if (!saved.reported) {
        track('orderCompleted', o);
        saved.reported = true;
        write(ORDER, saved);
      }
      $('#order-summary').textContent =
        'Order ' + o.order_id + ': ' + count({ lines: o.products }) + ' item(s), total ' + euros(o.total) + ' including shipping ' + euros(o.shipping) + '.';
    }
  }
})();
