// Comments, enhanced: the form works without this file.
// - fetches the form token when the reader starts on the form (the page is
//   the same for every reader, so it carries none; without it a post asks
//   the reader to confirm);
// - fills in the name, email and website the reader chose to save;
// - "Reply" moves the form under the comment instead of reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form) return;
  var respond = document.getElementById("respond");
  var parentInput = form.querySelector("input[name=parent]");
  var replying = form.querySelector(".comment-form__replying");
  var replyName = form.querySelector(".comment-form__reply-name");
  var cancel = form.querySelector(".comment-form__cancel");

  function savedDetails() {
    var name = form.getAttribute("data-saved-details-cookie") + "=";
    var cookies = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < cookies.length; i++) {
      if (cookies[i].indexOf(name) === 0) {
        var value = cookies[i].slice(name.length).replace(/^"|"$/g, "");
        try { return new URLSearchParams(value); } catch (e) { return null; }
      }
    }
    return null;
  }

  var tokenInput = form.elements.form_token;
  function fetchToken() {
    form.removeEventListener("focusin", fetchToken);
    if (tokenInput.value) return;  // a form shown again after a post carries its own
    fetch(form.getAttribute("data-token-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && !tokenInput.value) tokenInput.value = data.form_token; })
      .catch(function () {});  // the post then asks the reader to confirm: nothing is lost
  }
  form.addEventListener("focusin", fetchToken);

  var saved = savedDetails();
  if (saved) {
    ["author", "email", "url"].forEach(function (field) {
      var input = form.elements[field];
      if (input && !input.value && saved.get(field)) input.value = saved.get(field);
    });
    if (form.elements.save_details) form.elements.save_details.checked = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-reply-to]");
    if (!link) return;
    event.preventDefault();
    var card = link.closest(".comment__card");
    card.parentNode.insertBefore(respond, card.nextSibling);
    parentInput.value = link.getAttribute("data-reply-to");
    replyName.textContent = link.getAttribute("data-reply-name");
    replying.hidden = false;
    form.elements.comment.focus();
  });

  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      parentInput.value = "";
      replying.hidden = true;
      document.getElementById("comments").appendChild(respond);
      form.elements.comment.focus();
    });
  }
})();
