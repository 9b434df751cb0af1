/* 网页版的类别筛选与搜索：纯脚本，不联网。没有脚本时筛选框保持隐藏，表格照常可读。 */
(function () {
  "use strict";
  function normalize(text) {
    return text.replace(/\s+/g, "").toLowerCase();
  }
  var forms = document.querySelectorAll("form.controls");
  Array.prototype.forEach.call(forms, function (form) {
    var section = document.getElementById(form.getAttribute("data-list"));
    var rows = Array.prototype.slice.call(section.querySelector("table").tBodies[0].rows);
    var texts = rows.map(function (row) { return normalize(row.textContent); });
    var select = form.elements.category;
    var input = form.elements.q;
    var output = form.querySelector("output");
    function apply() {
      var category = select.value;
      var query = normalize(input.value);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = (!category || row.getAttribute("data-category") === category) &&
                    (!query || texts[i].indexOf(query) !== -1);
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      output.textContent = "显示 " + shown + " / " + rows.length + " 项";
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    select.addEventListener("change", apply);
    input.addEventListener("input", apply);
    form.hidden = false;
    apply();
  });
}());
