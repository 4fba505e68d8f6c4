-- The platform's account may create and use its own databases (dsp_population, dsp_land, dsp_health,
-- dsp_education, dsp_gateway), which it creates at first start, and no other.
GRANT ALL PRIVILEGES ON `dsp\_%`.* TO 'dsp'@'%';
