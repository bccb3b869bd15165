// Administration pages: the role/scope fields follow the chosen role; dangerous forms ask first (data-confirm).
(function () {
  'use strict';
  function sync(form) {
    const role = form.querySelector('[data-role]');
    const reach = form.querySelector('[data-reach]');
    if (!role) return;
    form.querySelectorAll('[data-for-role]').forEach((el) => {
      let show = el.dataset.forRole === role.value;
      if (show && el.dataset.forReach) show = reach && reach.value === el.dataset.forReach;
      el.classList.toggle('hidden', !show);
      el.querySelectorAll('select, input').forEach((i) => { i.disabled = !show; });
    });
  }
  document.querySelectorAll('[data-user-form]').forEach((form) => {
    sync(form);
    form.addEventListener('change', () => sync(form));
  });
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
})();
