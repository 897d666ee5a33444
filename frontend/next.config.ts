import type { NextConfig } from "next";

// A static export: nginx (production) and Django's catch-all view (development) serve `out/` on every host,
// and the app decides at runtime whether it is the public site or a company's portal.
const config: NextConfig = {
  output: "export",
  trailingSlash: false,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  env: {
    NEXT_PUBLIC_BASE_DOMAIN: process.env.BASE_DOMAIN ?? process.env.NEXT_PUBLIC_BASE_DOMAIN ?? "localhost",
  },
};

export default config;
