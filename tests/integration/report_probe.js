// report_probe.js: run inside a report page (report_lib.sh puts it before
// </body> of a copy of index.html) by headless Chromium; writes what it found
// into the body's data-images="OK/N" and data-layout="P" attributes and a
// PRE element with the id probe, which --dump-dom prints.
//   images: every <img> decoded, and every inline plot <svg> drawn (a box
//     bigger than nothing) with each <use>/url(#...) it refers to present in
//     the page (a plot's markers are its own: ids are prefixed per plot).
//   layout, per plot: no two <text>s overlap; no text covers a plotted line
//     or marker (the curves of every gnuplot_plot_N group, and the dashed
//     reference lines); the legend (key) box covers no plotted point.
// Tolerances: text boxes are shrunk by TOL px on every side first (a glyph
// box holds ascent and descent that print nothing), but two texts on one line
// need GAP px between them (closer, "later" "abandoned" read as one word);
// paths are sampled every STEP px of their length. The grid (light grey
// dashes) is background, not a plotted line.
(function () {
	var TOL = 2, GAP = 4, STEP = 3, problems = [], out = [];
	function shrink(r, d) {
		return {l: r.left + d, r: r.right - d, t: r.top + d, b: r.bottom - d};
	}
	function box(r) {
		return {l: r.left, r: r.right, t: r.top, b: r.bottom};
	}
	function inside(b, x, y) {
		return x > b.l && x < b.r && y > b.t && y < b.b;
	}
	function overlap(a, b) {
		return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
	}
	function union(a, b) {
		if (!a)
			return b;
		return {l: Math.min(a.l, b.l), r: Math.max(a.r, b.r), t: Math.min(a.t, b.t), b: Math.max(a.b, b.b)};
	}
	function drawables(g) {
		return Array.prototype.filter.call(g.querySelectorAll("text,path,polygon,polyline,use,rect,circle,line"),
			function (e) { return !e.closest("defs"); });
	}
	// screen points along an element: paths sampled by length, markers by their centre
	function points(e) {
		var m = e.getScreenCTM(), pts = [], i, n, p, svg = e.ownerSVGElement;
		if (!m)
			return pts;
		if (e.tagName === "path" || e.tagName === "polyline" || e.tagName === "line" || e.tagName === "polygon") {
			var len = e.getTotalLength(), skip = e.probeSkip || 0;
			n = Math.max(1, Math.ceil(len * m.a / STEP));
			for (i = 0; i <= n; i++) {
				if (len * i / n <= skip)
					continue;
				p = e.getPointAtLength(len * i / n);
				var q = svg.createSVGPoint();
				q.x = p.x; q.y = p.y;
				q = q.matrixTransform(m);
				pts.push([q.x, q.y]);
			}
		} else {
			var r = e.getBoundingClientRect();
			if (r.width > 0 || r.height > 0)
				pts.push([(r.left + r.right) / 2, (r.top + r.bottom) / 2]);
		}
		return pts;
	}
	function dashed(e) {
		var c = getComputedStyle(e).stroke.match(/\d+/g);
		if (c && Math.min(+c[0], +c[1], +c[2]) > 190)
			return false;
		for (; e && e.tagName !== "svg"; e = e.parentNode)
			if (e.getAttribute && e.getAttribute("stroke-dasharray"))
				return true;
		return false;
	}
	function label(t) {
		return JSON.stringify(t.textContent.trim());
	}
	function checkPlot(svg) {
		var name = svg.closest("figure") ? svg.closest("figure").id : "?";
		var texts = Array.prototype.filter.call(svg.querySelectorAll("text"),
			function (t) { return t.textContent.trim() !== "" && !t.closest("defs"); });
		var tb = texts.map(function (t) { return shrink(t.getBoundingClientRect(), TOL); });
		var i, j, k, found = 0;
		function bad(s) {
			if (found++ < 12)
				problems.push(name + ": " + s);
		}
		var tw = tb.map(function (b) { return {l: b.l - TOL - GAP / 2, r: b.r + TOL + GAP / 2, t: b.t, b: b.b}; });
		for (i = 0; i < texts.length; i++)
			for (j = i + 1; j < texts.length; j++)
				if (overlap(tw[i], tw[j]))
					bad("text " + label(texts[i]) + " overlaps text " + label(texts[j]));
		// the curves: each gnuplot_plot_N group, less its key entry: a text
		// first, and its sample drawn level with it (small shapes beside it,
		// in any order, or the first strokes of the curve's own path)
		var key = null, lines = [], marks = [];
		Array.prototype.forEach.call(svg.querySelectorAll("g[id*='gnuplot_plot_']"), function (g) {
			var d = drawables(g), a = null, kb = null, cy = 0;
			// the sample is on the side the text is not anchored to (gnuplot's
			// key: right-aligned text, sample after it; "reverse": before)
			var anc = d.length ? d[0].closest("[text-anchor]") : null;
			var after = !anc || anc.getAttribute("text-anchor") !== "start";
			if (d.length > 1 && d[0].tagName === "text") {
				a = d[0].getBoundingClientRect();
				kb = box(a);
				cy = (a.top + a.bottom) / 2;
			}
			for (k = a ? 1 : 0; k < d.length; k++) {
				var e = d[k];
				if (e.tagName === "text")
					continue;
				if (a && e.tagName === "path" && !e.probeSkip) {
					var segs = (e.getAttribute("d") || "").trim().split(/\s*(?=M)/), ctm = e.getScreenCTM(), skip = 0, ns = 0;
					for (; ns < segs.length - 1; ns++) {
						var sm = /^M([\d.]+),([\d.]+) L([\d.]+),([\d.]+)$/.exec(segs[ns].trim());
						if (!sm || Math.abs(sm[2] * ctm.d + ctm.f - cy) > 8 || Math.abs(sm[4] * ctm.d + ctm.f - cy) > 8)
							break;
						skip += Math.hypot(sm[3] - sm[1], sm[4] - sm[2]);
						kb = union(kb, {l: Math.min(sm[1], sm[3]) * ctm.a + ctm.e, r: Math.max(sm[1], sm[3]) * ctm.a + ctm.e,
							t: Math.min(sm[2], sm[4]) * ctm.d + ctm.f, b: Math.max(sm[2], sm[4]) * ctm.d + ctm.f});
					}
					if (ns)
						e.probeSkip = skip + 0.5;
				}
				var b = e.getBoundingClientRect();
				if (a && b.height <= 2 * a.height && Math.abs((b.top + b.bottom) / 2 - cy) <= 8 &&
				    (after ? b.left >= a.right - 2 && b.left - a.right <= 80 : b.right <= a.left + 2 && a.left - b.right <= 80)) {
					kb = union(kb, box(b));
					continue;
				}
				(e.tagName === "use" ? marks : lines).push(e);
			}
			if (kb && (kb.r - kb.l > a.width + 1))
				key = union(key, kb);
		});
		// reference lines drawn dashed outside the curves (ring lines, targets)
		Array.prototype.forEach.call(svg.querySelectorAll("path"), function (p) {
			if (!p.closest("g[id*='gnuplot_plot_']") && !p.closest("defs") && dashed(p))
				lines.push(p);
		});
		var pts = [];
		lines.concat(marks).forEach(function (e) {
			points(e).forEach(function (p) { pts.push([p[0], p[1], e]); });
		});
		for (i = 0; i < texts.length; i++) {
			for (k = 0; k < pts.length; k++)
				if (inside(tb[i], pts[k][0], pts[k][1])) {
					var g = pts[k][2].closest("g[id*='gnuplot_plot_']");
					bad("text " + label(texts[i]) + " covers " +
						(g ? "curve " + g.id.replace(/.*gnuplot_plot_/, "#") : "a dashed line") +
						" at (" + Math.round(pts[k][0]) + "," + Math.round(pts[k][1]) + ")");
					break;
				}
		}
		var legend = key ? "legend " + Math.round(key.r - key.l) + "x" + Math.round(key.b - key.t) : "no legend";
		if (key) {
			// the legend's box when it has one (gnuplot sizes it from its own
			// guess of the text widths): the smallest rectangle around the entries
			var kb = {l: key.l - 2, r: key.r + 2, t: key.t - 2, b: key.b + 2}, area = Infinity;
			Array.prototype.forEach.call(svg.querySelectorAll("path"), function (p) {
				if (p.closest("g[id*='gnuplot_plot_']") || p.closest("defs") ||
				    !/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){3,4} Z\s*$/.test((p.getAttribute("d") || "").trim()))
					return;
				var r = p.getBoundingClientRect();
				if (r.left <= key.l + 4 && r.right >= key.r - 4 && r.top <= key.t + 4 && r.bottom >= key.b - 4 &&
				    r.width * r.height < area) {
					area = r.width * r.height;
					kb = box(r);
				}
			});
			legend += " at (" + [kb.l, kb.t, kb.r, kb.b].map(Math.round).join(",") + ")";
			for (k = 0; k < pts.length; k++)
				if (pts[k][2].closest("g[id*='gnuplot_plot_']") && inside(kb, pts[k][0], pts[k][1])) {
					bad("the legend covers curve " + pts[k][2].closest("g[id*='gnuplot_plot_']").id.replace(/.*gnuplot_plot_/, "#") +
						" at (" + Math.round(pts[k][0]) + "," + Math.round(pts[k][1]) + ")");
					break;
				}
		}
		if (found > 12)
			problems.push(name + ": ... " + (found - 12) + " more");
		out.push(name + ": " + texts.length + " texts, " + pts.length + " points sampled, " +
			legend +
			", " + found + " problems");
	}
	function run() {
		var ok = 0, n = 0, i;
		var im = document.images;
		for (i = 0; i < im.length; i++, n++)
			if (im[i].complete && im[i].naturalWidth > 0)
				ok++;
		var svgs = document.querySelectorAll("figure svg");
		for (i = 0; i < svgs.length; i++, n++) {
			var s = svgs[i], r = s.getBoundingClientRect(), missing = 0;
			Array.prototype.forEach.call(s.querySelectorAll("use"), function (u) {
				var h = u.getAttribute("href") || u.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
				if (h.charAt(0) !== "#" || !document.getElementById(h.slice(1)))
					missing++;
			});
			Array.prototype.forEach.call(s.querySelectorAll("[fill^='url(#'],[stroke^='url(#']"), function (e) {
				var v = (e.getAttribute("fill") || "") + (e.getAttribute("stroke") || "");
				var id = v.replace(/.*url\(#([^)]*)\).*/, "$1");
				if (!document.getElementById(id))
					missing++;
			});
			if (r.width > 50 && r.height > 50 && s.getBBox().width > 0 && !missing)
				ok++;
			else
				problems.push("image: plot " + (s.closest("figure") || {}).id + " not drawn (" + missing + " missing references)");
			try {
				checkPlot(s);
			} catch (e) {
				problems.push("layout: " + e);
			}
		}
		document.body.setAttribute("data-images", ok + "/" + n);
		document.body.setAttribute("data-layout", String(problems.filter(function (p) { return !/^image:/.test(p); }).length));
		var pre = document.createElement("pre");
		pre.id = "probe";
		pre.textContent = "\n" + out.concat(problems.map(function (p) { return "PROBLEM " + p; })).join("\n") + "\n";
		document.body.appendChild(pre);
	}
	window.addEventListener("load", run);
})();
